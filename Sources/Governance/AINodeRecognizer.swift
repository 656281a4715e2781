import Cluster

/// Why a node counts as one that runs AI workloads: the reviewer must be able to check it.
public struct AISignal: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// An accelerator extended resource in the node's `status.capacity`.
        case nodeCapacity
        /// A label accelerator plugins or node pools put on the node.
        case nodeLabel
        /// A pod on the node requests or limits an accelerator.
        case podAccelerator
        /// A pod on the node runs an inference or training image.
        case podImage
    }
    public let kind: Kind
    public let description: String
}

/// A node that runs AI workloads, with every signal that said so.
public struct AINode: Hashable, Sendable {
    public let name: String
    public let signals: [AISignal]
}

/// Recognises AI nodes from what a snapshot holds: accelerator resources, accelerator and
/// node-pool labels, and the pods placed on the node (their accelerator requests and images).
public enum AINodeRecognizer {
    /// Inference and training servers, by a fragment of the image repository (lower case).
    /// More specific fragments first: the first match names the framework.
    public static let images: [(fragment: String, framework: String)] = [
        ("vllm", "vLLM"), ("text-generation-inference", "TGI"), ("tritonserver", "Triton"), ("tensorrt-llm", "TensorRT-LLM"),
        ("sglang", "SGLang"), ("lmdeploy", "LMDeploy"), ("llama.cpp", "llama.cpp"), ("llama-cpp", "llama.cpp"), ("ollama", "Ollama"),
        ("localai", "LocalAI"), ("kserve", "KServe"), ("kubeflow", "Kubeflow"), ("rayproject/ray", "Ray"), ("kuberay", "Ray"),
        ("torchserve", "TorchServe"), ("tensorflow/serving", "TensorFlow Serving"), ("seldon", "Seldon"), ("bentoml", "BentoML"),
        ("nvidia/nim", "NVIDIA NIM"), ("nvcr.io/nim/", "NVIDIA NIM"), ("nvidia/pytorch", "PyTorch (NGC)"), ("nvidia/nemo", "NeMo"),
        ("text-embeddings-inference", "TEI"), ("deepspeed", "DeepSpeed"),
    ]

    /// Labels device plugins, GPU operators and cloud node pools put on accelerator nodes.
    public static let labelKeys: Set<String> = [
        "nvidia.com/gpu.present", "nvidia.com/gpu.product", "nvidia.com/gpu.count", "amd.com/gpu.present", "amd.com/gpu.family",
        "cloud.google.com/gke-accelerator", "cloud.google.com/gke-tpu-accelerator", "k8s.amazonaws.com/accelerator",
        "karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/instance-gpu-name", "habana.ai/gaudi",
        "aws.amazon.com/neuron.present", "intel.feature.node.kubernetes.io/gpu", "feature.node.kubernetes.io/pci-10de.present",
    ]

    /// Words in a node pool's name that mark it as one for AI work.
    static let poolWords: Set<String> = ["gpu", "gpus", "tpu", "inference", "training", "ml", "ai", "llm", "accelerator", "accelerated"]

    /// The framework an image runs, if it is a known inference or training server.
    public static func framework(ofImage image: String) -> String? {
        // The repository only: a tag or digest (`:v0.11.0`, `@sha256:…`) names no framework.
        var repo = Substring(image.lowercased())
        if let at = repo.firstIndex(of: "@") { repo = repo[..<at] }
        if let colon = repo.lastIndex(of: ":"), !repo[colon...].contains("/") { repo = repo[..<colon] }
        // Image names are ASCII: their bytes are searched as they are (Foundation's search, for
        // the rest, cost more than the review's other work on 20k pods).
        let bytes = Array(repo.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return images.first { repo.contains($0.fragment) }?.framework }
        return images.first { contains(bytes, Array($0.fragment.utf8)) }?.framework
    }

    static func contains(_ text: [UInt8], _ fragment: [UInt8]) -> Bool {
        guard !fragment.isEmpty, fragment.count <= text.count else { return fragment.isEmpty }
        for start in 0...(text.count - fragment.count) where text[start] == fragment[0] {
            if text[start..<(start + fragment.count)].elementsEqual(fragment) { return true }
        }
        return false
    }

    /// The node's own signals: capacity and labels.
    public static func signals(of node: Node) -> [AISignal] {
        var out: [AISignal] = []
        for k in node.accelerators.keys.sorted() {
            out.append(AISignal(kind: .nodeCapacity, description: "capacity \(k)=\(node.accelerators[k]!)"))
        }
        for k in node.labels.keys.sorted() {
            let v = node.labels[k]!
            if labelKeys.contains(k) {
                guard v != "false" && v != "0" else { continue }
                out.append(AISignal(kind: .nodeLabel, description: "label \(k)=\(v)"))
            } else if isPoolKey(k), v.lowercased().split(whereSeparator: { "-_.".contains($0) }).contains(where: { poolWords.contains(String($0)) }) {
                out.append(AISignal(kind: .nodeLabel, description: "node pool \(k)=\(v)"))
            }
        }
        return out
    }

    /// `cloud.google.com/gke-nodepool`, `eks.amazonaws.com/nodegroup`, `karpenter.sh/nodepool`,
    /// `kubernetes.azure.com/agentpool`, or any key whose name ends in `pool`.
    static func isPoolKey(_ key: String) -> Bool {
        let name = key.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return name.hasSuffix("pool") || name.hasSuffix("nodegroup")
    }

    /// A placed pod's signals, for the node it runs on.
    public static func signals(of pod: Workload) -> [AISignal] {
        signals(of: pod, framework: framework(ofImage:))
    }

    static func signals(of pod: Workload, framework: (String) -> String?) -> [AISignal] {
        var out: [AISignal] = []
        let name = "\(pod.namespace)/\(pod.name)"
        for k in pod.accelerators.keys.sorted() {
            out.append(AISignal(kind: .podAccelerator, description: "pod \(name) requests \(k)=\(pod.accelerators[k]!)"))
        }
        for image in pod.images {
            if let f = framework(image) { out.append(AISignal(kind: .podImage, description: "pod \(name) runs \(f) (\(image))")) }
        }
        return out
    }

    /// Every AI node, in name order: nodes of the snapshot and nodes only pods name.
    public static func recognise(nodes: [Node], placedPods: [Workload]) -> [AINode] {
        var signals: [String: [AISignal]] = [:]
        for n in nodes {
            let s = Self.signals(of: n)
            if !s.isEmpty { signals[n.name, default: []] += s }
        }
        // Pods share a few images: each image's repository is searched once, not once per pod.
        var frameworks: [String: String?] = [:]
        func framework(_ image: String) -> String? {
            if let known = frameworks[image] { return known }
            let f = Self.framework(ofImage: image)
            frameworks[image] = f
            return f
        }
        for p in placedPods {
            guard let node = p.nodeName else { continue }
            let s = Self.signals(of: p, framework: framework)
            if !s.isEmpty { signals[node, default: []] += s }
        }
        return signals.keys.sorted().map { AINode(name: $0, signals: signals[$0]!) }
    }
}
