import Foundation
import KubeJSON

/// What `snapshot --kubelet-configz` writes for a node: the /configz answer cut down to the
/// fields the check reads. A kubelet that fetches static pods from a URL carries that URL's
/// headers in `staticPodURLHeader`, credentials among them (kubernetes/kubernetes#140101), and a
/// snapshot is made to be shared; what is not read is not written.
public enum SavedConfigz {
    /// The members of `kubeletconfig` kept, in the order the kubelet writes them.
    public static let keptMembers = ["authentication", "authorization", "readOnlyPort"]

    /// Nil when the answer is not a /configz object (the caller reports that node as unread).
    public static func trimmed(_ answer: Data) -> Data? {
        guard case .object(let top)? = try? JSONDecoder().decode(JSONValue.self, from: answer),
              case .object(let config)? = top.first(where: { $0.0 == "kubeletconfig" })?.1 else { return nil }
        let kept = keptMembers.compactMap { key in config.first { $0.0 == key } }
        return Data((JSONWriter.pretty(.object([("kubeletconfig", .object(kept))]), indent: 2) + "\n").utf8)
    }
}
