import Dispatch
import Evidence
import KubeJSON

/// `evidence -o table` (the default) written as it goes: the same bytes as
/// `EvidenceOutput.table(…)`, without holding every row's cells and the whole text at once. A
/// daemonset fleet has tens of thousands of rows; building the table as one string on one core
/// took longer than aggregating them. `EvidenceTableWriterTests` hold the two to the same bytes.
public enum EvidenceTableWriter {
    /// Hands the text to `emit` in pieces of about `chunk` bytes. Column widths are measured in
    /// one pass over the rows, split between `workers` threads; the rows are then written on
    /// the threads, `rowsPerPiece` rows a run, and emitted in order (`OrderedChunkEncoder`).
    public static func write(_ r: EvidenceReport, chunk: Int = 1 << 20, rowsPerPiece: Int = 1024, workers: Int = JSONWriter.itemWorkers,
                             emit: ([UInt8]) -> Void) {
        var out = Array(EvidenceOutput.tableHead(r).utf8)
        if r.usage.isEmpty {
            out += "No kubelet access found in the audit log.\n".utf8
        } else {
            let headers = EvidenceOutput.tableHeaders
            r.usage.withUnsafeBufferPointer { usage in
                // Every row is measured and written before `run` and `concurrentPerform` return:
                // the rows outlive every use.
                nonisolated(unsafe) let rows = usage
                var widths = [Int](repeating: 0, count: headers.count)
                Table.widen(&widths, by: headers)
                let parts = max(1, min(workers, rows.count / max(1, rowsPerPiece)))
                var partWidths = [[Int]](repeating: widths, count: parts)
                partWidths.withUnsafeMutableBufferPointer { partial in
                    nonisolated(unsafe) let partial = partial
                    DispatchQueue.concurrentPerform(iterations: parts) { p in
                        for k in rows.count * p / parts..<rows.count * (p + 1) / parts {
                            Table.widen(&partial[p], by: EvidenceOutput.tableCells(rows, k))
                        }
                    }
                }
                for part in partWidths { for i in widths.indices { widths[i] = max(widths[i], part[i]) } }
                let columns = widths
                Table.appendLine(headers, widths: columns, into: &out)
                OrderedChunkEncoder.run(count: rows.count, itemsPerChunk: max(1, rowsPerPiece), workers: workers, encode: { range, bytes in
                    bytes.reserveCapacity(range.count * 200)
                    for k in range { Table.appendLine(EvidenceOutput.tableCells(rows, k), widths: columns, into: &bytes) }
                }, emit: { piece in
                    out += piece
                    if out.count >= chunk {
                        emit(out)
                        out.removeAll(keepingCapacity: true)
                    }
                })
            }
        }
        out += EvidenceOutput.tableTail(r).utf8
        emit(out)
    }
}
