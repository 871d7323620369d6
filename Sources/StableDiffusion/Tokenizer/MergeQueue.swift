/// A binary min-heap of candidate BPE merges, lowest rank first and leftmost among equal ranks,
/// the order of the `BinaryHeap<Merge>` in `tokenizers`.
struct MergeQueue {
    struct Candidate {
        var rank: Int32
        /// Index of the left symbol in the word.
        var position: Int32
        /// What the pair merges into.
        var id: Int32

        func precedes(_ other: Candidate) -> Bool { (rank, position) < (other.rank, other.position) }
    }

    private var heap: [Candidate] = []

    mutating func push(_ candidate: Candidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Candidate? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { return first }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
