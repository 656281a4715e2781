#!/usr/bin/env python3
"""Synthetic cluster generator for the kubelet-authz scan benchmark.

Writes ONE JSON document shaped exactly like

    kubectl get clusterroles,clusterrolebindings,roles,rolebindings,\
serviceaccounts,nodes,namespaces,pods -A -o json

prints it: a `kind: List` whose items are full objects, keys sorted (kubectl
marshals unstructured maps with Go's encoding/json), 4-space indentation,
`&`, `<`, `>` escaped as Go escapes them, non-ASCII written as UTF-8, and the
noise real clusters carry (labels, Helm annotations,
`kubectl.kubernetes.io/last-applied-configuration`, some `managedFields`,
node status, pod status).

--lean drops the noise (what an RBAC-only export would hold) and --indent 0
writes compact JSON; together they give a file of the shape and size (about
70 MB at the default counts) that the issue's Python measurement used. The
default, kubectl's exact bytes with realistic noise, is several times larger.

Python 3 standard library only. Deterministic: the same flags and --seed give
the same bytes (string seeds are hashed with SHA-512 by `random.seed`,
independent of PYTHONHASHSEED; the `random` algorithms used have been stable
across Python 3 releases).

    python3 Benchmarks/generate_cluster.py -o cluster.json
    python3 Benchmarks/generate_cluster.py --bindings 1000 --roles 200 \
        --service-accounts 2000 --nodes 50 --pods 300 -o small.json
    python3 Benchmarks/generate_cluster.py --lean --indent 0 -o lean.json
"""

import argparse
import json
import os
import random
import sys
import time
import uuid

# --------------------------------------------------------------------------
# Vocabulary

APPS = [
    "api", "web", "frontend", "backend", "worker", "scheduler", "gateway", "auth", "billing",
    "payments", "checkout", "catalog", "search", "recommender", "inference", "trainer",
    "feature-store", "notebook", "etl", "ingest", "exporter", "collector", "agent", "operator",
    "controller", "webhook", "cache", "redis", "postgres", "kafka", "zookeeper", "rabbitmq",
    "vector-db", "embedder", "tokenizer", "ranker", "batch", "cron", "reporter", "notifier",
    "mailer", "uploader", "thumbnailer", "transcoder", "ledger", "audit", "config-sync",
    "secrets-sync", "dns-sync", "autoscaler", "model-server", "router", "queue", "stream",
]
COMPONENTS = [
    "server", "worker", "controller", "manager", "proxy", "sidecar", "job", "reader", "writer",
    "admin", "viewer", "runner", "sync", "dispatcher", "indexer", "loader",
]
TEAMS = [
    "payments", "checkout", "search", "ml", "ml-platform", "data", "analytics", "identity",
    "growth", "ads", "media", "mobile", "platform", "sre", "security", "finance", "risk",
    "fraud", "catalog", "logistics", "support", "infra", "research", "llm", "vision", "speech",
]
ENVS = ["prod", "staging", "dev", "qa", "sandbox", "canary"]
SYSTEM_NAMESPACES = [
    "default", "kube-system", "kube-public", "kube-node-lease", "monitoring", "logging",
    "ingress-nginx", "cert-manager", "argocd", "istio-system", "gpu-operator", "kubecost",
    "datadog", "external-dns", "karpenter", "velero", "vault", "keda", "opentelemetry",
    "ml-platform", "kserve", "ray-system", "kuberay", "tenant-a-inference", "tenant-b-inference",
]
FIRST_NAMES = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
    "zoe", "amelie", "bjorn", "chloe", "dmitri", "elena", "farah", "goran", "hana", "ines",
]
GROUPS = [
    "platform-admins", "sre-oncall", "ml-platform-oncall", "developers", "data-scientists",
    "security-auditors", "readonly", "release-managers", "db-admins", "support-tier2",
]
REGISTRIES = [
    "ghcr.io/example", "registry.k8s.io", "docker.io/library", "quay.io/prometheus",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com", "nvcr.io/nvidia", "gcr.io/distroless",
]
INSTANCE_TYPES = ["m7i.2xlarge", "m7i.4xlarge", "c7i.4xlarge", "r7i.4xlarge", "m6i.8xlarge"]
GPU_INSTANCE_TYPES = [
    ("p5.48xlarge", "NVIDIA-H100-80GB-HBM3", "8"),
    ("p4d.24xlarge", "NVIDIA-A100-SXM4-40GB", "8"),
    ("g6e.12xlarge", "NVIDIA-L40S", "4"),
    ("g5.2xlarge", "NVIDIA-A10G", "1"),
]
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]

# Rules that appear in ordinary roles: no node access.
GENERIC_RULES = [
    ("", ["pods"], ["get", "list", "watch"]),
    ("", ["pods", "pods/log"], ["get", "list", "watch"]),
    ("", ["pods/exec"], ["create"]),
    ("", ["configmaps"], ["get", "list", "watch"]),
    ("", ["configmaps"], ["get", "list", "watch", "create", "update", "patch", "delete"]),
    ("", ["secrets"], ["get"]),
    ("", ["secrets"], ["get", "list", "watch"]),
    ("", ["services", "endpoints"], ["get", "list", "watch"]),
    ("", ["events"], ["create", "patch"]),
    ("", ["persistentvolumeclaims"], ["get", "list", "watch", "create", "delete"]),
    ("", ["serviceaccounts"], ["get", "list"]),
    ("", ["namespaces"], ["get", "list", "watch"]),
    ("apps", ["deployments"], ["get", "list", "watch"]),
    ("apps", ["deployments", "replicasets"], ["get", "list", "watch", "update", "patch"]),
    ("apps", ["deployments/scale"], ["get", "update", "patch"]),
    ("apps", ["statefulsets", "daemonsets"], ["get", "list", "watch"]),
    ("batch", ["jobs", "cronjobs"], ["get", "list", "watch", "create", "delete"]),
    ("networking.k8s.io", ["ingresses"], ["get", "list", "watch"]),
    ("networking.k8s.io", ["networkpolicies"], ["get", "list"]),
    ("coordination.k8s.io", ["leases"], ["get", "create", "update"]),
    ("autoscaling", ["horizontalpodautoscalers"], ["get", "list", "watch"]),
    ("policy", ["poddisruptionbudgets"], ["get", "list"]),
    ("monitoring.coreos.com", ["servicemonitors", "podmonitors"], ["get", "list", "watch"]),
    ("cert-manager.io", ["certificates", "issuers"], ["get", "list", "watch"]),
    ("argoproj.io", ["applications"], ["get", "list", "watch", "update"]),
    ("serving.kserve.io", ["inferenceservices"], ["get", "list", "watch", "create", "patch"]),
    ("ray.io", ["rayclusters", "rayjobs"], ["get", "list", "watch", "create", "delete"]),
]
KUBELET_SUBRESOURCES = [
    "nodes/metrics", "nodes/stats", "nodes/proxy", "nodes/log", "nodes/pods", "nodes/healthz",
    "nodes/configz", "nodes/checkpoint",
]
KUBELET_ODD_RESOURCES = ["*", "*/proxy", "nodes/*", "nodes/logs", "nodes/spec", "nodes/statusz"]
KUBELET_VERBS = [
    ["get"], ["get"], ["get"], ["get", "list", "watch"], ["get", "list", "watch"],
    ["get", "create"], ["create"], ["*"],
]
NON_RESOURCE_URLS = [["/metrics"], ["/healthz", "/livez", "/readyz"], ["/version"], ["/api", "/api/*", "/apis", "/apis/*"]]

BUILTIN_CLUSTER_ROLES = [
    # name, rules, aggregation selector label (or None), labels
    ("admin", None, "rbac.authorization.k8s.io/aggregate-to-admin"),
    ("cluster-admin", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                       {"nonResourceURLs": ["*"], "verbs": ["*"]}], None),
    ("edit", None, "rbac.authorization.k8s.io/aggregate-to-edit"),
    ("view", None, "rbac.authorization.k8s.io/aggregate-to-view"),
    ("system:kubelet-api-admin", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch", "proxy"]},
                                  {"apiGroups": [""], "resources": ["nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats",
                                                                    "nodes/configz", "nodes/healthz", "nodes/pods"], "verbs": ["*"]}], None),
    ("system:monitoring", [{"nonResourceURLs": ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis",
                                                "/readyz", "/readyz/*"], "verbs": ["get"]}], None),
    ("system:node-proxier", [{"apiGroups": [""], "resources": ["endpoints", "services"], "verbs": ["list", "watch"]},
                             {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]},
                             {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]}], None),
    ("system:auth-delegator", [{"apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews"], "verbs": ["create"]},
                               {"apiGroups": ["authorization.k8s.io"], "resources": ["subjectaccessreviews"], "verbs": ["create"]}], None),
    ("system:basic-user", [{"apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                            "verbs": ["create"]}], None),
    ("system:discovery", [{"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                                               "/readyz", "/version", "/version/"], "verbs": ["get"]}], None),
    ("system:public-info-viewer", [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}], None),
]

RBAC_GROUP = "rbac.authorization.k8s.io"
RBAC_API = "rbac.authorization.k8s.io/v1"

EPOCH_START = 1735689600  # 2025-01-01T00:00:00Z
EPOCH_SPAN = 560 * 86400  # up to mid 2026


# --------------------------------------------------------------------------
# Helpers

class Gen:
    def __init__(self, seed, section):
        self.r = random.Random(f"kubelet-authz-bench/{seed}/{section}")

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def ts(self, lo=EPOCH_START, span=EPOCH_SPAN):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(lo + self.r.randrange(span)))

    def rv(self):
        return str(self.r.randrange(1000, 400_000_000))

    def hexstr(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def suffix5(self):
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        return "".join(self.r.choice(alphabet) for _ in range(5))


def weighted_counts(total, n, rng, skew=0.9):
    """Split `total` into n buckets with a Zipf-like skew (deterministic)."""
    if n == 0:
        return []
    weights = [1.0 / (i + 1) ** skew for i in range(n)]
    rng.shuffle(weights)
    s = sum(weights)
    counts = [int(total * w / s) for w in weights]
    rest = total - sum(counts)
    order = sorted(range(n), key=lambda i: -weights[i])
    for i in range(rest):
        counts[order[i % n]] += 1
    return counts


def fields_v1(obj, top_keys):
    """A plausible managedFields fieldsV1 tree for an object."""
    meta = {}
    md = obj["metadata"]
    for section in ("labels", "annotations"):
        if md.get(section):
            meta["f:" + section] = {".": {}, **{"f:" + k: {} for k in md[section]}}
    tree = {"f:metadata": meta} if meta else {}
    for k in top_keys:
        if k in obj:
            tree["f:" + k] = {}
    return tree


def add_managed_fields(g, obj, manager, top_keys, operation="Update"):
    entries = [{
        "apiVersion": obj["apiVersion"],
        "fieldsType": "FieldsV1",
        "fieldsV1": fields_v1(obj, top_keys),
        "manager": manager,
        "operation": operation,
        "time": obj["metadata"]["creationTimestamp"],
    }]
    if g.r.random() < 0.3:
        entries.append({
            "apiVersion": obj["apiVersion"],
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:annotations": {"f:kubelet-authz.io/reviewed": {}}}},
            "manager": "kubectl-annotate",
            "operation": "Update",
            "time": g.ts(),
        })
    obj["metadata"]["managedFields"] = entries


def add_last_applied(obj, top_keys):
    md = obj["metadata"]
    applied_md = {"name": md["name"]}
    if "namespace" in md:
        applied_md["namespace"] = md["namespace"]
    if md.get("labels"):
        applied_md["labels"] = dict(md["labels"])
    annotations = {k: v for k, v in (md.get("annotations") or {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    if annotations:
        applied_md["annotations"] = annotations
    applied = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": applied_md}
    for k in top_keys:
        if k in obj:
            applied[k] = obj[k]
    text = json.dumps(applied, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    md.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = text


def helm_noise(g, md, release, namespace, chart=None):
    chart = chart or release
    md["labels"].update({
        "app.kubernetes.io/instance": release,
        "app.kubernetes.io/managed-by": "Helm",
        "app.kubernetes.io/name": chart,
        "helm.sh/chart": f"{chart}-{g.r.randrange(0, 40)}.{g.r.randrange(0, 30)}.{g.r.randrange(0, 10)}",
    })
    md.setdefault("annotations", {}).update({
        "meta.helm.sh/release-name": release,
        "meta.helm.sh/release-namespace": namespace,
    })


def governance(g, md):
    md.setdefault("annotations", {}).update({
        "kubelet-authz.io/owner": f"team-{g.r.choice(TEAMS)}@example.com",
        "kubelet-authz.io/purpose": g.r.choice([
            "Scrapes kubelet /metrics and /metrics/cadvisor on every node",
            "Node log shipping (R&D pilot) — reads /logs/ through the kubelet",
            "Resource metrics for HPA & kubectl top",
            "GPU telemetry <dcgm> exporter",
            "Débogage des nœuds GPU (équipe ML)",
        ]),
        "kubelet-authz.io/reviewed": time.strftime("%Y-%m-%d", time.gmtime(EPOCH_START + g.r.randrange(EPOCH_SPAN))),
        "kubelet-authz.io/next-review": time.strftime("%Y-%m-%d", time.gmtime(EPOCH_START + g.r.randrange(EPOCH_SPAN + 180 * 86400))),
        "kubelet-authz.io/ticket": f"SEC-{g.r.randrange(1000, 9999)}",
    })


# --------------------------------------------------------------------------
# The cluster model: names and cross references first, objects streamed later.

class Cluster:
    def __init__(self, a):
        self.a = a
        self.seed = a.seed
        self.lean = a.lean
        self.counts = {}
        self._namespaces()
        self._nodes()
        self._service_accounts()
        self._cluster_roles()
        self._roles()

    # -- namespaces -------------------------------------------------------
    def _namespaces(self):
        g = Gen(self.seed, "namespaces")
        n = self.a.namespaces
        names = list(SYSTEM_NAMESPACES[:n])
        seen = set(names)
        while len(names) < n:
            name = f"{g.r.choice(TEAMS)}-{g.r.choice(APPS)}-{g.r.choice(ENVS)}"
            if name in seen:
                name = f"{name}-{len(names)}"
            seen.add(name)
            names.append(name)
        self.ns_names = sorted(names)
        # Skewed weights: a few namespaces hold most of the objects.
        w = [1.0 / (i + 1) ** 0.9 for i in range(n)]
        g.r.shuffle(w)
        self.ns_weights = w
        self.ns_cum = []
        acc = 0.0
        for x in w:
            acc += x
            self.ns_cum.append(acc)

    def pick_ns(self, rng):
        return rng.choices(self.ns_names, cum_weights=self.ns_cum, k=1)[0]

    # -- nodes ------------------------------------------------------------
    def _nodes(self):
        g = Gen(self.seed, "node-names")
        n = self.a.nodes
        space = 16 * 254 * 254
        picks = g.r.sample(range(space), n) if n <= space else range(n)
        names = []
        for p in picks:
            x, y, z = 16 + p // (254 * 254), (p // 254) % 254 + 1, p % 254 + 1
            names.append(f"ip-10-{x}-{y}-{z}.ec2.internal")
        self.node_names = sorted(names)

    # -- service accounts -------------------------------------------------
    def _service_accounts(self):
        g = Gen(self.seed, "service-account-names")
        total = self.a.service_accounts
        ns = self.ns_names
        self.sa_by_ns = {name: [] for name in ns}
        defaults = min(total, len(ns))
        for name in ns[:defaults]:
            self.sa_by_ns[name].append("default")
        rest = total - defaults
        counts = weighted_counts(rest, len(ns), g.r)
        for name, c in zip(ns, counts):
            have = set(self.sa_by_ns[name])
            lst = self.sa_by_ns[name]
            i = 0
            while c > 0:
                cand = f"{g.r.choice(APPS)}-{g.r.choice(COMPONENTS)}"
                if cand in have:
                    cand = f"{cand}-{i}"
                    i += 1
                    if cand in have:
                        continue
                have.add(cand)
                lst.append(cand)
                c -= 1
            lst.sort()
        self.sa_ns_nonempty = [n for n in ns if self.sa_by_ns[n]]
        self.counts["ServiceAccount"] = total

    def pick_sa(self, rng, namespace=None):
        if namespace is None or not self.sa_by_ns.get(namespace):
            namespace = self.pick_ns(rng)
            if not self.sa_by_ns.get(namespace):
                namespace = rng.choice(self.sa_ns_nonempty)
        return namespace, rng.choice(self.sa_by_ns[namespace])

    # -- cluster roles ----------------------------------------------------
    def _generic_rules(self, g, lo=1, hi=5):
        rules = []
        for grp, res, verbs in g.r.sample(GENERIC_RULES, g.r.randint(lo, hi)):
            rules.append({"apiGroups": [grp], "resources": list(res), "verbs": list(verbs)})
        return rules

    def _kubelet_rules(self, g):
        rules = []
        for _ in range(g.r.choice([1, 1, 1, 2])):
            res = g.r.sample(KUBELET_SUBRESOURCES, g.r.choice([1, 1, 2, 3]))
            if g.r.random() < 0.12:
                res.append(g.r.choice(KUBELET_ODD_RESOURCES))
            if g.r.random() < 0.5:
                res.insert(0, "nodes")
            rule = {"apiGroups": [""], "resources": res, "verbs": list(g.r.choice(KUBELET_VERBS))}
            if g.r.random() < 0.1:
                names = g.r.sample(self.node_names, min(len(self.node_names), g.r.randint(1, 4)))
                if g.r.random() < 0.2:
                    names.append("decommissioned-node-7")
                rule["resourceNames"] = names
            rules.append(rule)
        return rules

    def _cluster_roles(self):
        g = Gen(self.seed, "cluster-roles")
        total = round(self.a.roles * 0.7)
        roles = []  # dicts: name, rules, labels, selector (aggregation), kubelet
        seen = set()
        for name, rules, selector in BUILTIN_CLUSTER_ROLES[:total]:
            roles.append({"name": name, "rules": rules, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                          "selector": ({selector: "true"} if selector else None), "builtin": True,
                          "kubelet": name == "system:kubelet-api-admin"})
            seen.add(name)
        n_kubelet = max(1, round(total * self.a.kubelet_share)) if total > len(roles) else 0
        n_aggr = max(1, round(total * 0.01)) if total > len(roles) + n_kubelet else 0
        n_plain = max(0, total - len(roles) - n_kubelet - n_aggr)
        kinds = ["plain"] * n_plain + ["kubelet"] * n_kubelet + ["aggr"] * n_aggr
        g.r.shuffle(kinds)
        org = ["example.com", "acme.io", "corp.internal"]
        for kind in kinds:
            while True:
                base = f"{g.r.choice(TEAMS)}-{g.r.choice(APPS)}-{g.r.choice(COMPONENTS)}"
                name = base if g.r.random() < 0.5 else f"{base}-{g.r.randrange(10000)}"
                if name not in seen:
                    break
            seen.add(name)
            role = {"name": name, "labels": {}, "selector": None, "builtin": False, "kubelet": False}
            if kind == "plain":
                role["rules"] = self._generic_rules(g)
                if g.r.random() < 0.15:
                    role["rules"].append({"nonResourceURLs": list(g.r.choice(NON_RESOURCE_URLS)), "verbs": ["get"]})
                if g.r.random() < 0.1:  # nodes without a subresource: no kubelet access
                    role["rules"].append({"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]})
            elif kind == "kubelet":
                role["rules"] = self._generic_rules(g, 0, 3) + self._kubelet_rules(g)
                role["kubelet"] = True
            else:
                label = f"rbac.{g.r.choice(org)}/aggregate-to-{name}"
                role["selector"] = {label: "true"}
                role["rules"] = None
            roles.append(role)

        # Give every aggregation selector's label to a few other roles (some
        # of them kubelet roles), and the built-in admin/edit/view labels to
        # a few CRD-style roles (never kubelet ones), as operators ship them.
        candidates = [r for r in roles if r["selector"] is None and not r["builtin"]]
        kubelet_roles = [r for r in candidates if r["kubelet"]]
        plain_roles = [r for r in candidates if not r["kubelet"]]
        for role in roles:
            if role["selector"] is None or not candidates:
                continue
            (label, value), = role["selector"].items()
            k = 6 if role["builtin"] else g.r.randint(1, 6)
            pool = plain_roles if role["builtin"] else candidates
            members = g.r.sample(pool, min(k, len(pool)))
            if kubelet_roles and not role["builtin"] and g.r.random() < 0.35:
                members.append(g.r.choice(kubelet_roles))
            for m in members:
                m["labels"][label] = value
        by_label = {}
        for r in roles:
            for k, v in r["labels"].items():
                by_label.setdefault((k, v), []).append(r)
        for role in roles:
            if role["selector"] is None:
                continue
            (label, value), = role["selector"].items()
            # The aggregation controller writes the union; a snapshot taken
            # before it ran shows [] (or null from an old client).
            p = g.r.random()
            if p < 0.55 or role["builtin"]:
                union, seen_rules = [], set()
                for m in sorted(by_label.get((label, value), []), key=lambda r: r["name"]):
                    for rule in m["rules"] or []:
                        key = json.dumps(rule, sort_keys=True)
                        if key not in seen_rules:
                            seen_rules.add(key)
                            union.append(rule)
                role["rules"] = union
            elif p < 0.9:
                role["rules"] = []
            else:
                role["rules"] = None
        roles.sort(key=lambda r: r["name"])
        self.cluster_roles = roles
        self.cluster_role_names = [r["name"] for r in roles]
        self.kubelet_cluster_role_names = [r["name"] for r in roles if r["kubelet"]]
        self.counts["ClusterRole"] = len(roles)

    # -- namespaced roles -------------------------------------------------
    def _roles(self):
        g = Gen(self.seed, "roles")
        total = self.a.roles - round(self.a.roles * 0.7)
        counts = weighted_counts(total, len(self.ns_names), g.r)
        self.roles_by_ns = {}
        for ns, c in zip(self.ns_names, counts):
            names, seen = [], set()
            while len(names) < c:
                name = f"{g.r.choice(APPS)}-{g.r.choice(COMPONENTS)}"
                if name in seen:
                    name = f"{name}-{len(names)}"
                    if name in seen:
                        continue
                seen.add(name)
                names.append(name)
            if names:
                self.roles_by_ns[ns] = sorted(names)
        self.counts["Role"] = total

    # ----------------------------------------------------------------------
    # Object emitters (generators, in kubectl's order)

    def emit_cluster_roles(self):
        g = Gen(self.seed, "cluster-role-objects")
        for role in self.cluster_roles:
            md = {
                "creationTimestamp": g.ts(),
                "labels": dict(role["labels"]),
                "name": role["name"],
                "resourceVersion": g.rv(),
                "uid": g.uid(),
            }
            obj = {"apiVersion": RBAC_API, "kind": "ClusterRole", "metadata": md, "rules": role["rules"]}
            if role["selector"] is not None:
                obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": dict(role["selector"])}]}
            if self.lean:
                md["labels"] = {k: v for k, v in md["labels"].items() if "aggregate-to" in k}
            elif role["builtin"]:
                md["annotations"] = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
            else:
                p = g.r.random()
                if p < 0.35:
                    release = role["name"].split("-")[1] if "-" in role["name"] else role["name"]
                    helm_noise(g, md, release, self.pick_ns(g.r))
                elif p < 0.5:
                    add_last_applied(obj, ("rules", "aggregationRule"))
                if role["kubelet"] and g.r.random() < 0.4:
                    governance(g, md)
                if g.r.random() < 0.03:
                    add_managed_fields(g, obj, g.r.choice(["helm", "kubectl-client-side-apply", "argocd-controller"]),
                                       ("rules", "aggregationRule"))
            if not md["labels"]:
                del md["labels"]
            yield obj

    def _subject(self, g, namespace=None, same_ns_bias=0.0):
        p = g.r.random()
        if p < 0.85:
            if g.r.random() < 0.01:  # a ServiceAccount that does not exist
                ns = namespace if namespace and g.r.random() < 0.5 else g.r.choice(
                    self.ns_names + ["deleted-namespace", "old-team-prod"])
                return {"kind": "ServiceAccount", "name": f"deleted-{g.r.choice(APPS)}-{g.r.randrange(1000)}",
                        "namespace": ns}
            want = namespace if namespace and g.r.random() < same_ns_bias else None
            ns, name = self.pick_sa(g.r, want)
            return {"kind": "ServiceAccount", "name": name, "namespace": ns}
        if p < 0.95:
            if g.r.random() < 0.1:
                user = g.r.choice(["system:kube-controller-manager", "system:kube-scheduler",
                                   "kube-apiserver-kubelet-client", "system:anonymous"])
            else:
                user = f"{g.r.choice(FIRST_NAMES)}{g.r.randrange(100)}@example.com"
            return {"apiGroup": RBAC_GROUP, "kind": "User", "name": user}
        q = g.r.random()
        if q < 0.01:
            group = "system:authenticated"
        elif q < 0.02:
            group = f"system:serviceaccounts:{g.r.choice(self.ns_names)}"
        elif q < 0.5:
            group = g.r.choice(GROUPS)
        else:
            group = f"oidc:{g.r.choice(TEAMS)}-{g.r.choice(['admins', 'devs', 'readers', 'oncall'])}"
        return {"apiGroup": RBAC_GROUP, "kind": "Group", "name": group}

    def _subjects(self, g, namespace=None, same_ns_bias=0.0):
        k = g.r.choices([1, 2, 3, 5], weights=[80, 12, 6, 2])[0]
        return [self._subject(g, namespace, same_ns_bias) for _ in range(k)]

    def _binding_meta(self, g, obj, role_name, ns=None):
        md = obj["metadata"]
        if self.lean:
            del md["labels"]
            return
        p = g.r.random()
        if p < 0.3:
            release = role_name.split("-")[1] if "-" in role_name else role_name
            helm_noise(g, md, release, ns or self.pick_ns(g.r))
        elif p < 0.42:
            add_last_applied(obj, ("roleRef", "subjects"))
        elif p < 0.5:
            md["labels"]["argocd.argoproj.io/instance"] = f"{g.r.choice(TEAMS)}-{g.r.choice(ENVS)}"
            md.setdefault("annotations", {})["argocd.argoproj.io/tracking-id"] = \
                f"{md['labels']['argocd.argoproj.io/instance']}:{RBAC_GROUP}/{obj['kind']}:{ns or ''}/{md['name']}"
        if g.r.random() < 0.02:
            add_managed_fields(g, obj, g.r.choice(["helm", "kubectl-client-side-apply", "argocd-controller"]),
                               ("roleRef", "subjects"))
        if not md["labels"]:
            del md["labels"]

    def emit_cluster_role_bindings(self):
        g = Gen(self.seed, "cluster-role-bindings")
        total = round(self.a.bindings * 0.6)
        self.counts["ClusterRoleBinding"] = total
        self.counts["ClusterRoleBinding->missing role"] = 0
        specs, seen = [], set()
        for _ in range(total):
            p = g.r.random()
            if p < 0.01 or not self.cluster_role_names:
                role = g.r.choice([f"{g.r.choice(TEAMS)}-{g.r.choice(APPS)}-removed",
                                   "container-checkpointer", "legacy-node-reader"])
                self.counts["ClusterRoleBinding->missing role"] += 1
            elif p < 0.012:
                role = "cluster-admin"
            else:
                role = g.r.choice(self.cluster_role_names)
            name = role
            while name in seen:
                name = f"{role}-{g.r.choice(COMPONENTS)}-{g.r.randrange(100000)}"
            seen.add(name)
            specs.append((name, role))
        specs.sort()
        for name, role in specs:
            md = {"creationTimestamp": g.ts(), "labels": {}, "name": name, "resourceVersion": g.rv(), "uid": g.uid()}
            obj = {
                "apiVersion": RBAC_API, "kind": "ClusterRoleBinding", "metadata": md,
                "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
                "subjects": self._subjects(g),
            }
            self._binding_meta(g, obj, role)
            yield obj

    def emit_roles(self):
        g = Gen(self.seed, "role-objects")
        for ns in self.ns_names:
            for name in self.roles_by_ns.get(ns, []):
                md = {"creationTimestamp": g.ts(), "labels": {"app.kubernetes.io/name": name.split("-")[0]},
                      "name": name, "namespace": ns, "resourceVersion": g.rv(), "uid": g.uid()}
                rules = self._generic_rules(g, 1, 4)
                if g.r.random() < 0.003:  # a Role naming nodes grants nothing: nodes are cluster scoped
                    rules.append({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]})
                obj = {"apiVersion": RBAC_API, "kind": "Role", "metadata": md, "rules": rules}
                if self.lean:
                    del md["labels"]
                    yield obj
                    continue
                p = g.r.random()
                if p < 0.3:
                    helm_noise(g, md, name.split("-")[0], ns)
                elif p < 0.45:
                    add_last_applied(obj, ("rules",))
                if g.r.random() < 0.02:
                    add_managed_fields(g, obj, "helm", ("rules",))
                yield obj

    def emit_role_bindings(self):
        g = Gen(self.seed, "role-bindings")
        total = self.a.bindings - round(self.a.bindings * 0.6)
        self.counts["RoleBinding"] = total
        self.counts["RoleBinding->missing role"] = 0
        counts = weighted_counts(total, len(self.ns_names), g.r)
        for ns, c in zip(self.ns_names, counts):
            specs, seen = [], set()
            local = self.roles_by_ns.get(ns, [])
            for _ in range(c):
                p = g.r.random()
                if p < 0.01:
                    kind, role = g.r.choice(["Role", "ClusterRole"]), f"{g.r.choice(APPS)}-deleted"
                    self.counts["RoleBinding->missing role"] += 1
                elif local and p < 0.55:
                    kind, role = "Role", g.r.choice(local)
                elif p < 0.75:
                    kind, role = "ClusterRole", g.r.choice(["view", "edit", "admin", "view", "edit"])
                else:
                    kind, role = "ClusterRole", g.r.choice(self.cluster_role_names) if self.cluster_role_names else "view"
                name = role
                while name in seen:
                    name = f"{role}-{g.r.choice(COMPONENTS)}-{g.r.randrange(100000)}"
                seen.add(name)
                specs.append((name, kind, role))
            specs.sort()
            for name, kind, role in specs:
                md = {"creationTimestamp": g.ts(), "labels": {}, "name": name, "namespace": ns,
                      "resourceVersion": g.rv(), "uid": g.uid()}
                obj = {
                    "apiVersion": RBAC_API, "kind": "RoleBinding", "metadata": md,
                    "roleRef": {"apiGroup": RBAC_GROUP, "kind": kind, "name": role},
                    "subjects": self._subjects(g, ns, same_ns_bias=0.85),
                }
                self._binding_meta(g, obj, role, ns)
                yield obj

    def emit_service_accounts(self):
        g = Gen(self.seed, "service-account-objects")
        for ns in self.ns_names:
            for name in self.sa_by_ns[ns]:
                md = {"creationTimestamp": g.ts(), "name": name, "namespace": ns,
                      "resourceVersion": g.rv(), "uid": g.uid()}
                obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": md}
                if self.lean:
                    yield obj
                    continue
                p = g.r.random()
                if name != "default":
                    if p < 0.15:
                        md["labels"] = {}
                        helm_noise(g, md, name.split("-")[0], ns)
                    elif p < 0.2:
                        md["annotations"] = {"eks.amazonaws.com/role-arn":
                                             f"arn:aws:iam::123456789012:role/{ns}-{name}"}
                    elif p < 0.21:
                        governance(g, md)
                if g.r.random() < 0.01:
                    obj["secrets"] = [{"name": f"{name}-token-{g.suffix5()}"}]
                if g.r.random() < 0.01:
                    obj["automountServiceAccountToken"] = False
                yield obj

    def emit_nodes(self):
        g = Gen(self.seed, "node-objects")
        self.counts["Node"] = len(self.node_names)
        self.counts["Node (GPU)"] = 0
        self.counts["Node (v1.35.4)"] = 0
        for name in self.node_names:
            gpu = g.r.random() < 0.12
            zone = g.r.choice(ZONES)
            ip = name[3:].split(".")[0].replace("-", ".")
            if gpu:
                itype, product, gpus = g.r.choice(GPU_INSTANCE_TYPES)
                self.counts["Node (GPU)"] += 1
            else:
                itype, product, gpus = g.r.choice(INSTANCE_TYPES), None, None
            version = "v1.35.4" if g.r.random() < 0.03 else "v1.36.2"
            if version == "v1.35.4":
                self.counts["Node (v1.35.4)"] += 1
            created = g.ts()
            heartbeat = g.ts(EPOCH_START + EPOCH_SPAN, 3600)
            labels = {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": itype,
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": itype,
                "topology.kubernetes.io/region": "us-east-1",
                "topology.kubernetes.io/zone": zone,
                "karpenter.sh/nodepool": "gpu" if gpu else g.r.choice(["default", "general", "spot"]),
            }
            cpu = int(itype.split(".")[1].replace("xlarge", "") or 1) * 4 if "xlarge" in itype else 4
            mem_ki = cpu * 4 * 1024 * 1024 - g.r.randrange(200000, 900000)
            capacity = {
                "cpu": str(cpu),
                "ephemeral-storage": f"{g.r.choice([104845292, 209702892, 507367464])}Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{mem_ki}Ki",
                "pods": "110" if cpu < 64 else "737",
            }
            allocatable = dict(capacity, cpu=f"{cpu * 1000 - 90 - cpu * 6}m", memory=f"{mem_ki - 1800000}Ki")
            if gpu:
                labels.update({
                    "nvidia.com/gpu.present": "true",
                    "nvidia.com/gpu.product": product,
                    "nvidia.com/gpu.count": gpus,
                    "nvidia.com/cuda.driver.major": "570",
                })
                capacity["nvidia.com/gpu"] = gpus
                allocatable["nvidia.com/gpu"] = gpus
            conditions = []
            for ctype, reason, msg, status in (
                ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", "False"),
                ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "False"),
                ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available", "False"),
                ("Ready", "KubeletReady", "kubelet is posting ready status", "True"),
            ):
                conditions.append({"lastHeartbeatTime": heartbeat, "lastTransitionTime": created,
                                   "message": msg, "reason": reason, "status": status, "type": ctype})
            images = []
            for _ in range(g.r.randint(3, 7)):
                repo = f"{g.r.choice(REGISTRIES)}/{g.r.choice(APPS)}"
                images.append({"names": [f"{repo}@sha256:{g.hexstr(64)}",
                                         f"{repo}:v{g.r.randrange(1, 4)}.{g.r.randrange(0, 30)}.{g.r.randrange(0, 10)}"],
                               "sizeBytes": g.r.randrange(5_000_000, 9_000_000_000 if gpu else 900_000_000)})
            images.sort(key=lambda im: -im["sizeBytes"])
            spec = {
                "podCIDR": f"100.64.{g.r.randrange(256)}.0/24",
                "providerID": f"aws:///{zone}/i-0{g.hexstr(16)}",
            }
            spec["podCIDRs"] = [spec["podCIDR"]]
            if gpu:
                spec["taints"] = [{"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}]
            if self.lean:
                lean_labels = {"kubernetes.io/hostname": name}
                lean_capacity = {"cpu": capacity["cpu"], "memory": capacity["memory"]}
                if gpu:
                    lean_labels["nvidia.com/gpu.present"] = "true"
                    lean_capacity["nvidia.com/gpu"] = gpus
                yield {"apiVersion": "v1", "kind": "Node",
                       "metadata": {"creationTimestamp": created, "labels": lean_labels, "name": name,
                                    "resourceVersion": g.rv(), "uid": g.uid()},
                       "status": {"capacity": lean_capacity, "nodeInfo": {"kubeletVersion": version}}}
                continue
            yield {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "annotations": {
                        "alpha.kubernetes.io/provided-node-ip": ip,
                        "node.alpha.kubernetes.io/ttl": "0",
                        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                    },
                    "creationTimestamp": created,
                    "labels": labels,
                    "name": name,
                    "resourceVersion": g.rv(),
                    "uid": g.uid(),
                },
                "spec": spec,
                "status": {
                    "addresses": [{"address": ip, "type": "InternalIP"},
                                  {"address": name, "type": "InternalDNS"},
                                  {"address": name, "type": "Hostname"}],
                    "allocatable": allocatable,
                    "capacity": capacity,
                    "conditions": conditions,
                    "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                    "features": {"supplementalGroupsPolicy": True},
                    "images": images,
                    "nodeInfo": {
                        "architecture": "amd64",
                        "bootID": g.uid(),
                        "containerRuntimeVersion": "containerd://2.1.4",
                        "kernelVersion": "6.12.40-63.114.amzn2023.x86_64",
                        "kubeProxyVersion": "",
                        "kubeletVersion": version,
                        "machineID": g.hexstr(32),
                        "operatingSystem": "linux",
                        "osImage": "Amazon Linux 2023.8.20250818",
                        "systemUUID": g.uid().upper(),
                    },
                    "runtimeHandlers": [{"features": {"recursiveReadOnlyMounts": True, "userNamespaces": True}, "name": "runc"},
                                        {"features": {"recursiveReadOnlyMounts": True, "userNamespaces": True}, "name": ""}],
                },
            }

    def emit_namespaces(self):
        g = Gen(self.seed, "namespace-objects")
        self.counts["Namespace"] = len(self.ns_names)
        for ns in self.ns_names:
            labels = {"kubernetes.io/metadata.name": ns}
            if self.lean:
                yield {"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"creationTimestamp": g.ts(), "labels": labels, "name": ns,
                                    "resourceVersion": g.rv(), "uid": g.uid()}}
                continue
            if g.r.random() < 0.3:
                labels["pod-security.kubernetes.io/enforce"] = g.r.choice(["baseline", "restricted", "privileged"])
            if g.r.random() < 0.5:
                labels["team"] = ns.split("-")[0]
            yield {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"creationTimestamp": g.ts(), "labels": labels, "name": ns,
                             "resourceVersion": g.rv(), "uid": g.uid()},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            }

    def emit_pods(self):
        g = Gen(self.seed, "pods")
        total = self.a.pods
        self.counts["Pod"] = total
        counts = weighted_counts(total, len(self.ns_names), g.r)
        for ns, c in zip(self.ns_names, counts):
            specs, seen = [], set()
            for _ in range(c):
                app = g.r.choice(APPS)
                name = f"{app}-{g.hexstr(9)}-{g.suffix5()}" if g.r.random() < 0.85 else f"{app}-{g.r.randrange(12)}"
                if name in seen:
                    name = f"{name}-{len(seen)}"
                seen.add(name)
                specs.append((name, app))
            specs.sort()
            for name, app in specs:
                yield self._pod(g, ns, name, app)

    def _pod(self, g, ns, name, app):
        sas = self.sa_by_ns.get(ns) or ["default"]
        sa = "default" if g.r.random() < 0.3 and "default" in sas else g.r.choice(sas)
        node = g.r.choice(self.node_names) if self.node_names and g.r.random() > 0.005 else None
        created = g.ts()
        image = f"{g.r.choice(REGISTRIES)}/{app}:v{g.r.randrange(1, 4)}.{g.r.randrange(0, 30)}.{g.r.randrange(0, 10)}"
        if self.lean:
            spec = {"containers": [{"image": image, "name": app}], "serviceAccountName": sa}
            if node is not None:
                spec["nodeName"] = node
            return {"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"creationTimestamp": created, "name": name, "namespace": ns,
                                 "resourceVersion": g.rv(), "uid": g.uid()},
                    "spec": spec}
        env = [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
               {"name": "LOG_LEVEL", "value": g.r.choice(["info", "debug", "warn"])}]
        if g.r.random() < 0.4:
            env.append({"name": "DATABASE_PASSWORD",
                        "valueFrom": {"secretKeyRef": {"key": "password", "name": f"{app}-db"}}})
        if g.r.random() < 0.3:
            env.append({"name": "MODEL_ID", "value": g.r.choice(["meta-llama/Llama-3.1-8B-Instruct",
                                                                "mistralai/Mistral-7B-v0.3", "Qwen/Qwen2.5-7B"])})
        containers = [{
            "env": env,
            "image": image,
            "imagePullPolicy": "IfNotPresent",
            "name": app,
            "ports": [{"containerPort": g.r.choice([8080, 8000, 9090, 3000]), "name": "http", "protocol": "TCP"}],
            "resources": {"limits": {"memory": f"{g.r.choice([256, 512, 1024, 4096])}Mi"},
                          "requests": {"cpu": f"{g.r.choice([50, 100, 250, 500])}m",
                                       "memory": f"{g.r.choice([128, 256, 512, 1024])}Mi"}},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                              "name": f"kube-api-access-{g.suffix5()}", "readOnly": True}],
        }]
        hash_ = name.split("-")[-2] if name.count("-") >= 2 else g.hexstr(9)
        md = {
            "creationTimestamp": created,
            "generateName": name[: name.rfind("-") + 1],
            "labels": {"app.kubernetes.io/name": app, "pod-template-hash": hash_},
            "name": name,
            "namespace": ns,
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
                                 "kind": "ReplicaSet", "name": name[: name.rfind("-")], "uid": g.uid()}],
            "resourceVersion": g.rv(),
            "uid": g.uid(),
        }
        spec = {
            "containers": containers,
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": sa,
            "serviceAccountName": sa,
            "terminationGracePeriodSeconds": 30,
            "tolerations": [
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
            ],
            "volumes": [{"name": containers[0]["volumeMounts"][0]["name"], "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}},
            ]}}],
        }
        if node is None:
            status = {"phase": "Pending", "qosClass": "Burstable",
                      "conditions": [{"lastProbeTime": None, "lastTransitionTime": created,
                                      "message": f"0/{len(self.node_names)} nodes are available: {len(self.node_names)} Insufficient nvidia.com/gpu.",
                                      "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]}
        else:
            spec["nodeName"] = node
            pod_ip = f"100.64.{g.r.randrange(256)}.{g.r.randrange(1, 255)}"
            host_ip = node[3:].split(".")[0].replace("-", ".")
            status = {
                "conditions": [{"lastProbeTime": None, "lastTransitionTime": created, "status": "True", "type": t}
                               for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
                "containerStatuses": [{
                    "containerID": f"containerd://{g.hexstr(64)}",
                    "image": image,
                    "imageID": f"{image.rsplit(':', 1)[0]}@sha256:{g.hexstr(64)}",
                    "lastState": {},
                    "name": app,
                    "ready": True,
                    "restartCount": g.r.choice([0, 0, 0, 1, 3]),
                    "started": True,
                    "state": {"running": {"startedAt": created}},
                }],
                "hostIP": host_ip,
                "hostIPs": [{"ip": host_ip}],
                "phase": "Running",
                "podIP": pod_ip,
                "podIPs": [{"ip": pod_ip}],
                "qosClass": "Burstable",
                "startTime": created,
            }
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}


# --------------------------------------------------------------------------
# Output: the bytes `kubectl ... -o json` writes.

_GO_ESCAPES = str.maketrans({"&": "\\u0026", "<": "\\u003c", ">": "\\u003e",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})


def write_list(out, streams, indent=4):
    """Writes {"apiVersion","items","kind","metadata"} as Go's
    json.MarshalIndent(v, "", "    ") does (kubectl's `-o json`), or, with
    indent 0, as json.Marshal does (what `kubectl ... -o json | jq -c` gives).

    `&`, `<`, `>`, U+2028 and U+2029 only ever occur inside JSON strings, so
    translating them in the encoded text is exactly Go's HTML-safe escaping.
    """
    count = 0
    first = True
    if indent <= 0:
        out.write('{"apiVersion":"v1","items":[')
        for stream in streams:
            for item in stream:
                text = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                if not first:
                    out.write(",")
                out.write(text.translate(_GO_ESCAPES))
                first = False
                count += 1
        out.write('],"kind":"List","metadata":{"resourceVersion":""}}\n')
        return count
    one, two = " " * indent, " " * (2 * indent)
    out.write('{\n%s"apiVersion": "v1",\n%s"items": [' % (one, one))
    for stream in streams:
        for item in stream:
            text = json.dumps(item, indent=indent, sort_keys=True, ensure_ascii=False)
            text = text.translate(_GO_ESCAPES).replace("\n", "\n" + two)
            out.write(("\n" if first else ",\n") + two)
            out.write(text)
            first = False
            count += 1
    out.write(("\n%s]," % one) if not first else "],")
    out.write('\n%s"kind": "List",\n%s"metadata": {\n%s"resourceVersion": ""\n%s}\n}\n' % (one, one, two, one))
    return count


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--bindings", type=int, default=100_000, help="RoleBindings + ClusterRoleBindings (60%% cluster)")
    p.add_argument("--roles", type=int, default=20_000, help="Roles + ClusterRoles (70%% cluster)")
    p.add_argument("--service-accounts", type=int, default=200_000)
    p.add_argument("--nodes", type=int, default=5_000)
    p.add_argument("--namespaces", type=int, default=500)
    p.add_argument("--pods", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kubelet-share", type=float, default=0.03,
                   help="share of the custom ClusterRoles that reach the kubelet (0.9: the worst case, most subjects hold kubelet access)")
    p.add_argument("--lean", action="store_true",
                   help="drop the noise (Helm/Argo/last-applied annotations, managedFields, labels, node and pod "
                        "status, pod spec details): the fields an RBAC scan needs and little else")
    p.add_argument("--indent", type=int, default=4,
                   help="spaces per level; 4 is kubectl's -o json, 0 writes compact JSON (as jq -c would)")
    p.add_argument("-o", "--output", default="-", help="output file, - for stdout")
    a = p.parse_args(argv)
    for flag in ("bindings", "roles", "service_accounts", "nodes", "namespaces", "pods"):
        if getattr(a, flag) < 0:
            p.error(f"--{flag.replace('_', '-')} must be >= 0")
    if a.namespaces < 1:
        p.error("--namespaces must be >= 1")

    started = time.perf_counter()
    c = Cluster(a)
    streams = [c.emit_cluster_roles(), c.emit_cluster_role_bindings(), c.emit_roles(), c.emit_role_bindings(),
               c.emit_service_accounts(), c.emit_nodes(), c.emit_namespaces(), c.emit_pods()]
    if a.output == "-":
        total = write_list(sys.stdout, streams, a.indent)
        sys.stdout.flush()
        size = None
    else:
        tmp = a.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
            total = write_list(f, streams, a.indent)
        os.replace(tmp, a.output)
        size = os.path.getsize(a.output)
    elapsed = time.perf_counter() - started

    err = sys.stderr
    if size is not None:
        print(f"wrote {a.output}: {size:,} bytes ({size / 1e6:.1f} MB), {total:,} objects, "
              f"seed {a.seed}, {elapsed:.1f} s", file=err)
    else:
        print(f"wrote {total:,} objects to stdout, seed {a.seed}, {elapsed:.1f} s", file=err)
    kubelet = len(c.kubelet_cluster_role_names)
    aggr = sum(1 for r in c.cluster_roles if r["selector"] is not None)
    order = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount", "Node", "Namespace", "Pod"]
    for kind in order:
        print(f"  {kind:<20} {c.counts.get(kind, 0):>8,}", file=err)
    print(f"  (ClusterRoles with kubelet subresources: {kubelet:,}; with aggregationRule: {aggr:,}; "
          f"GPU nodes: {c.counts.get('Node (GPU)', 0):,}; v1.35.4 nodes: {c.counts.get('Node (v1.35.4)', 0):,}; "
          f"bindings to missing roles: "
          f"{c.counts.get('ClusterRoleBinding->missing role', 0) + c.counts.get('RoleBinding->missing role', 0):,})",
          file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
