/// The HTML, CSS and script of `index.html` (`BrowsePage`): everything inline, no network.
enum BrowsePageTemplate {
    static func html(title: String, json: String) -> String {
        let escaped = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return head.replacingOccurrences(of: "TITLE", with: escaped)
            + "<script type=\"application/json\" id=\"data\">" + json + "</script>\n" + script
    }

    private static let head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>TITLE · DiffusionSweep</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 16px; color: #222; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 12px; }
        #controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-bottom: 12px; }
        #controls label { display: flex; gap: 6px; align-items: center; font-size: 14px; }
        table { border-collapse: collapse; }
        th { font-weight: normal; font-size: 13px; padding: 4px 6px; max-width: 320px; overflow-wrap: anywhere; }
        td { padding: 2px; text-align: center; vertical-align: middle; }
        td img { display: block; cursor: zoom-in; image-rendering: pixelated; }
        .missing { background: #d0d0d0; color: #555; font-size: 12px; display: flex; align-items: center; justify-content: center; }
        #details { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.75); display: none; align-items: center; justify-content: center; }
        #details.open { display: flex; }
        #details .box { background: #fff; padding: 16px; max-width: 92vw; max-height: 90vh; overflow: auto; display: flex; gap: 16px; }
        #details img { max-width: 60vw; max-height: 80vh; min-width: 256px; image-rendering: pixelated; }
        #parameters { white-space: pre-wrap; font-size: 13px; max-width: 48ch; margin: 0 0 12px; }
        </style>
        </head>
        <body>
        <h1 id="title"></h1>
        <div id="controls"></div>
        <table id="grid"></table>
        <div id="details"><div class="box"><img id="full" alt="">
        <div><pre id="parameters"></pre><p><a id="open" href="#">open the PNG</a> · <button id="close">close</button></p></div></div></div>

        """

    private static let script = """
        <script>
        "use strict";
        const data = JSON.parse(document.getElementById("data").textContent);
        const axes = data.axes, keys = axes.map(a => a.key);
        const state = { rows: keys.includes(data.rows) ? data.rows : (keys[0] || ""),
                        columns: keys.includes(data.columns) ? data.columns : (keys[1] || ""), fixed: {}, size: 256 };
        if (state.columns === state.rows) state.columns = "";
        keys.forEach(k => state.fixed[k] = 0);
        const byPosition = new Map();
        const positionKey = at => keys.map(k => at[k] || 0).join(",");
        data.images.forEach(image => { if (!byPosition.has(positionKey(image.at))) byPosition.set(positionKey(image.at), image); });

        function element(tag, properties, children) {
          const node = Object.assign(document.createElement(tag), properties || {});
          (children || []).forEach(child => node.append(child));
          return node;
        }

        function selector(label, options, value, change) {
          const select = element("select", {}, options.map(([v, text]) => element("option", { value: v, textContent: text })));
          select.value = value;
          select.addEventListener("change", () => { change(select.value); draw(); });
          return element("label", {}, [label, select]);
        }

        function drawControls() {
          const controls = document.getElementById("controls");
          controls.replaceChildren();
          const choices = [["", "(none)"]].concat(keys.map(k => [k, k]));
          controls.append(selector("Rows", choices, state.rows, v => { state.rows = v; if (v && v === state.columns) state.columns = ""; }));
          controls.append(selector("Columns", choices, state.columns, v => { state.columns = v; if (v && v === state.rows) state.rows = ""; }));
          axes.filter(a => a.key !== state.rows && a.key !== state.columns).forEach(axis => {
            controls.append(selector(axis.key, axis.values.map((text, i) => [String(i), text]), String(state.fixed[axis.key]),
                                     v => { state.fixed[axis.key] = Number(v); }));
          });
          const zoom = element("input", { type: "range", min: "32", max: "1024", step: "16", value: String(state.size), id: "zoom" });
          zoom.addEventListener("input", () => { state.size = Number(zoom.value); drawGrid(); });
          controls.append(element("label", {}, ["Zoom", zoom]));
        }

        function cell(at) {
          const image = byPosition.get(positionKey(at));
          if (!image || !image.done) {
            return element("div", { className: "missing", textContent: image ? "not rendered yet" : "no image",
                                    style: `width:${state.size}px;height:${state.size}px` });
          }
          const img = element("img", { src: image.src, alt: image.parameters[0], title: image.id, width: state.size });
          img.addEventListener("click", () => show(image));
          return img;
        }

        function drawGrid() {
          const rows = axes.find(a => a.key === state.rows), columns = axes.find(a => a.key === state.columns);
          const rowValues = rows ? rows.values : [""], columnValues = columns ? columns.values : [""];
          const table = document.getElementById("grid");
          table.replaceChildren();
          if (columns) table.append(element("tr", {}, [element("th")].concat(columnValues.map(text => element("th", { textContent: text })))));
          rowValues.forEach((rowText, r) => {
            const tr = element("tr", {}, [element("th", { textContent: rowText })]);
            columnValues.forEach((_, c) => {
              const at = Object.assign({}, state.fixed);
              if (rows) at[rows.key] = r;
              if (columns) at[columns.key] = c;
              tr.append(element("td", {}, [cell(at)]));
            });
            table.append(tr);
          });
        }

        function draw() { drawControls(); drawGrid(); }

        function show(image) {
          document.getElementById("full").src = image.src;
          document.getElementById("parameters").textContent = image.parameters.join("\\n");
          document.getElementById("open").href = image.src;
          document.getElementById("details").classList.add("open");
        }
        const hide = () => document.getElementById("details").classList.remove("open");
        document.getElementById("close").addEventListener("click", hide);
        document.getElementById("details").addEventListener("click", event => { if (event.target.id === "details") hide(); });
        document.addEventListener("keydown", event => { if (event.key === "Escape") hide(); });
        document.getElementById("title").textContent = data.title;
        document.title = data.title + " · DiffusionSweep";
        draw();
        </script>
        </body>
        </html>

        """
}
