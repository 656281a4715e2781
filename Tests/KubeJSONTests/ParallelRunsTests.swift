import KubeJSON
import Testing

struct ParallelRunsTests {
    /// The runs cover every item once, in order, whatever the counts; results come back in
    /// run order.
    @Test(arguments: [(0, 1), (0, 4), (1, 4), (3, 4), (4, 4), (10, 3), (1000, 16), (7, 1), (100, 2)])
    func runsCoverTheItemsInOrder(count: Int, runs: Int) {
        let ranges = ParallelRuns.map(count: count, runs: runs) { $0 }
        #expect(ranges.count == runs)
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        #expect(ranges.allSatisfy { $0.count >= count / runs && $0.count <= count / runs + 1 })
    }

    @Test func eachRunsResultIsItsOwn() {
        let squares = ParallelRuns.map(count: 10_000, runs: 8) { range in range.map { $0 * $0 } }.flatMap { $0 }
        #expect(squares == (0..<10_000).map { $0 * $0 })
    }
}
