@testable import Sweep
import Testing

@Suite struct GridPlanTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    @Test func otherSweptAxesGiveOneGridPerValueWithA1111Labels() throws {
        let job = try fixture.read("""
            model: MODEL
            prompts: [a cat, a dog]
            seeds: [1, 2, 3]
            guidance: [3, 7.5]
            scheduler: [euler-a, dpm++2m-karras]
            grid: {rows: seeds, columns: guidance}
            """)
        let tasks = Array(job.allTasks())
        let plans = GridPlan.plans(for: job, tasks: tasks)
        // Named by the values they show, not their positions.
        #expect(plans.map(\.name) == ["prompts-a-cat_scheduler-euler-a", "prompts-a-cat_scheduler-dpm++2m-karras",
                                      "prompts-a-dog_scheduler-euler-a", "prompts-a-dog_scheduler-dpm++2m-karras"])
        #expect(plans[1].title == "a cat, Sampler: DPM++ 2M Karras")
        #expect(plans[0].rowLabels == ["Seed: 1", "Seed: 2", "Seed: 3"])
        #expect(plans[0].columnLabels == ["CFG scale: 3", "CFG scale: 7.5"])
        let cell = { (plan: GridPlan, row: Int, column: Int) in tasks.first { $0.id == plan.cells[row * 2 + column] } }
        let task = try #require(cell(plans[3], 2, 1))
        #expect(task.prompt == "a dog" && task.seed == 3 && task.guidance == 7.5 && task.scheduler == .dpmSolverMultistepKarras)
    }

    @Test func perPromptSeedsAreLabelledByPosition() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat, a dog]\nseeds_per_prompt: 2\nseed: 9\n")
        let plan = try #require(GridPlan.plans(for: job, tasks: job.allTasks()).only)
        #expect(plan.rowLabels == ["a cat", "a dog"] && plan.columnLabels == ["Seed #1", "Seed #2"])
        #expect(plan.cells.allSatisfy { $0 != nil })
    }

    @Test func promptReplaceColumnsShowTheSubstitutedValue() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a red car]\nprompt_replace: [red, green]\nsteps: [10, 20]\n")
        let plan = try #require(GridPlan.plans(for: job, tasks: job.allTasks()).only)
        #expect(plan.rowLabels == ["red", "green"] && plan.columnLabels == ["Steps: 10", "Steps: 20"])
    }
}
