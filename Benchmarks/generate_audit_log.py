#!/usr/bin/env python3
"""Synthetic kube-apiserver audit log for the kubelet-authz evidence benchmark.

Writes JSON lines exactly as the API server's log backend writes them (audit.k8s.io/v1
Events, compact JSON, keys in the API server's order, one event per line; see the real
lines in spec/samples/audit-kube-apiserver-1.36.jsonl):

* the bulk: ordinary API traffic at Metadata level -- node and leader-election lease
  renewals (the most common event), nodes/status and pods/status patches by
  system:node:*, pods/configmaps/secrets get/list/watch, events, endpointslices,
  serviceaccount tokens, tokenreviews, selfsubjectaccessreviews, deployments, CRDs,
  discovery and health checks -- from many users, namespaces, userAgents and source IPs,
  at the RequestReceived, ResponseStarted (watches) and ResponseComplete stages;
* about --sar-fraction of all lines: the kubelet's SubjectAccessReviews (user
  system:node:<node>, level RequestResponse, the caller in requestObject.spec, the
  verdict in responseObject.status), made by simulating HTTP requests from a fixed set of
  callers with fixed RBAC grants against the kubelet's path -> subresource mapping (so
  fine-grained checks such as `pods` that fail fall back to `proxy` within a few
  milliseconds, and the verdicts are consistent); a fraction of them also have a
  RequestReceived line with the same auditID;
* about --node-proxy-fraction of all lines: API-server node-proxy requests
  (/api/v1/nodes/<n>/proxy/...), level Request, ResponseStarted + ResponseComplete, with
  the authorization.k8s.io/decision annotation;
* decoys: lines that contain the byte needles `subjectaccessreviews` or `"proxy"` without
  being kubelet access (kubectl-created SARs, impersonated SelfSubjectAccessReviews,
  metrics-server delegated-authorization SARs about `nodes` in metrics.k8s.io,
  pods/proxy, services/proxy, a Service named `proxy`, RBAC updates listing
  subjectaccessreviews, forbidden SAR creates), plus the ordinary selfsubjectaccessreviews
  of the bulk traffic;
* exactly --malformed truncated lines at known line numbers (the first one, when there
  are kubelet reviews, a truncated kubelet review).

stageTimestamp never decreases from one line to the next (lines are written in the order
the API server would emit them); requestReceivedTimestamp is stageTimestamp minus the
request's latency (minutes for watches).

Prints to stderr what it wrote and the counts a reader should find, and writes them to
FILE.expected.json. Python 3 standard library only; the same flags and --seed give the
same bytes.

    python3 Benchmarks/generate_audit_log.py -o .build/bench/audit-1g.jsonl
    python3 Benchmarks/generate_audit_log.py --size-mb 5 -o /tmp/audit-5m.jsonl --self-check
    python3 Benchmarks/generate_audit_log.py --size-mb 50 --gzip -o /tmp/a.jsonl   # + a.jsonl.gz
"""

import argparse
import calendar
import gzip
import heapq
import json
import os
import queue
import random
import sys
import threading
import time

MIB = 1 << 20
NEEDLES = ("subjectaccessreviews", '"proxy"')

# Line categories (what the reader should make of each line).
BULK, KUBELET, PROXY, DECOY, MALFORMED = range(5)


def dumps(v):
    return json.dumps(v, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# The kubelet: HTTP request -> verb and ordered subresources (spec section 1.2 and 1.5).

METHOD_VERB = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete", "HEAD": ""}


def is_subpath(sub, path):
    if path.endswith("/"):
        path = path[:-1]
    return sub == path or (sub.startswith(path) and sub[len(path):len(path) + 1] == "/")


def kubelet_subresources(path, minor):
    """The attribute sets a v1.<minor> kubelet checks, in order, for the URL path."""
    path = path.split("?", 1)[0]
    out = []
    for p, s in (("/pods", "pods"), ("/healthz", "healthz"), ("/configz", "configz"), ("/runningpods/", "pods")):
        if is_subpath(path, p):
            out.append(s)
            break
    else:
        if minor <= 35 and is_subpath(path, "/statusz"):
            out.append("statusz")
    for p, s in (("/stats/", "stats"), ("/metrics", "metrics"), ("/logs/", "log"), ("/checkpoint/", "checkpoint")):
        if is_subpath(path, p):
            out.append(s)
            return out
    if minor >= 36 and is_subpath(path, "/statusz"):
        out.append("statusz")
        return out
    out.append("proxy")
    return out


# --------------------------------------------------------------------------------------------
# Fixed vocabulary.

K8S_SHA = "8b2f1a6"          # kubernetes/<sha> in userAgents
CONTROL_PLANE_IP = "10.42.0.10"
REGION = "eu-west-1"

NAMESPACES = [
    "default", "kube-system", "kube-public", "kube-node-lease", "monitoring", "logging", "datadog",
    "cert-manager", "argocd", "ingress-nginx", "payments", "checkout", "search", "ml-platform",
    "data", "identity", "growth", "ads", "media", "platform", "sre", "security", "finance", "risk",
    "catalog", "logistics", "support", "research", "llm", "vision", "ci", "dev", "staging", "edge",
]
APP_NAMESPACES = NAMESPACES[10:]
APPS = [
    "api", "web", "frontend", "backend", "worker", "scheduler", "gateway", "auth", "billing",
    "checkout", "catalog", "search", "recommender", "inference", "trainer", "feature-store",
    "exporter", "collector", "operator", "controller", "webhook", "cache", "redis", "postgres",
    "kafka", "rabbitmq", "vector-db", "embedder", "ranker", "batch", "reporter", "notifier",
    "mailer", "uploader", "transcoder", "ledger", "config-sync", "autoscaler", "model-server",
    "router", "queue", "stream",
]
CONTROLLERS = [
    "replicaset-controller", "deployment-controller", "endpointslice-controller",
    "endpointslicemirroring-controller", "daemon-set-controller", "statefulset-controller",
    "job-controller", "cronjob-controller", "namespace-controller", "node-controller",
    "pod-garbage-collector", "generic-garbage-collector", "horizontal-pod-autoscaler",
    "disruption-controller", "resourcequota-controller", "service-account-controller",
    "attachdetach-controller", "persistent-volume-binder", "ttl-after-finished-controller",
    "root-ca-cert-publisher", "certificate-controller", "clusterrole-aggregation-controller",
]
CONTROLLER_RESOURCES = {
    "replicaset-controller": [("apps", "replicasets"), ("", "pods")],
    "deployment-controller": [("apps", "deployments"), ("apps", "replicasets")],
    "endpointslice-controller": [("discovery.k8s.io", "endpointslices"), ("", "services"), ("", "pods")],
    "endpointslicemirroring-controller": [("", "endpoints"), ("discovery.k8s.io", "endpointslices")],
    "daemon-set-controller": [("apps", "daemonsets"), ("apps", "controllerrevisions"), ("", "pods")],
    "statefulset-controller": [("apps", "statefulsets"), ("", "pods"), ("", "persistentvolumeclaims")],
    "job-controller": [("batch", "jobs"), ("", "pods")],
    "cronjob-controller": [("batch", "cronjobs"), ("batch", "jobs")],
    "namespace-controller": [("", "namespaces")],
    "node-controller": [("", "nodes"), ("", "pods")],
    "pod-garbage-collector": [("", "pods"), ("", "nodes")],
    "generic-garbage-collector": [("apps", "replicasets"), ("", "pods"), ("batch", "jobs")],
    "horizontal-pod-autoscaler": [("autoscaling", "horizontalpodautoscalers"), ("apps", "deployments")],
    "disruption-controller": [("policy", "poddisruptionbudgets"), ("", "pods")],
    "resourcequota-controller": [("", "resourcequotas"), ("", "pods")],
    "service-account-controller": [("", "serviceaccounts")],
    "attachdetach-controller": [("storage.k8s.io", "volumeattachments"), ("", "persistentvolumes")],
    "persistent-volume-binder": [("", "persistentvolumeclaims"), ("", "persistentvolumes")],
    "ttl-after-finished-controller": [("batch", "jobs")],
    "root-ca-cert-publisher": [("", "configmaps")],
    "certificate-controller": [("certificates.k8s.io", "certificatesigningrequests")],
    "clusterrole-aggregation-controller": [("rbac.authorization.k8s.io", "clusterroles")],
}
GROUP_VERSION = {
    "": "v1", "apps": "v1", "batch": "v1", "discovery.k8s.io": "v1", "autoscaling": "v2",
    "policy": "v1", "storage.k8s.io": "v1", "certificates.k8s.io": "v1", "coordination.k8s.io": "v1",
    "rbac.authorization.k8s.io": "v1", "events.k8s.io": "v1", "networking.k8s.io": "v1",
    "cert-manager.io": "v1", "acme.cert-manager.io": "v1", "argoproj.io": "v1alpha1",
    "monitoring.coreos.com": "v1", "authorization.k8s.io": "v1", "authentication.k8s.io": "v1",
}
CLUSTER_SCOPED = {"nodes", "namespaces", "persistentvolumes", "volumeattachments", "clusterroles",
                  "certificatesigningrequests", "csinodes"}
def resource_path(group, resource, namespace=None, name=None, sub=None):
    base = "/api/v1" if group == "" else "/apis/%s/%s" % (group, GROUP_VERSION[group])
    p = base
    if namespace and resource not in CLUSTER_SCOPED:
        p += "/namespaces/" + namespace
    p += "/" + resource
    if name:
        p += "/" + name
        if sub:
            p += "/" + sub
    return p


def object_ref(group, resource, namespace=None, name=None, sub=None, uid=None, rv=None):
    s = '{"resource":"' + resource + '"'
    if namespace and resource not in CLUSTER_SCOPED:
        s += ',"namespace":"' + namespace + '"'
    if name:
        s += ',"name":"' + name + '"'
    if uid:
        s += ',"uid":"' + uid + '"'
    if group:
        s += ',"apiGroup":"' + group + '"'
    s += ',"apiVersion":"' + GROUP_VERSION[group] + '"'
    if rv:
        s += ',"resourceVersion":"' + rv + '"'
    if sub:
        s += ',"subresource":"' + sub + '"'
    return s + "}"


OK200 = '{"metadata":{},"code":200}'
OK201 = '{"metadata":{},"code":201}'


def failure(message, reason, code, name=None, group=None, kind=None):
    st = {"metadata": {}, "status": "Failure", "message": message, "reason": reason}
    if name is not None or kind is not None:
        d = {}
        if name:
            d["name"] = name
        if group:
            d["group"] = group
        if kind:
            d["kind"] = kind
        st["details"] = d
    st["code"] = code
    return dumps(st)


def annotations(decision, reason, extra=None):
    a = {}
    if extra:
        a.update(extra)
    a["authorization.k8s.io/decision"] = decision
    a["authorization.k8s.io/reason"] = reason
    return dumps(dict(sorted(a.items())))


def rbac_reason(binding, role, kind, name, namespace=None, cluster=True):
    who = '%s "%s/%s"' % (kind, name, namespace) if kind == "ServiceAccount" else '%s "%s"' % (kind, name)
    return 'RBAC: allowed by %s "%s" of ClusterRole "%s" to %s' % (
        "ClusterRoleBinding" if cluster else "RoleBinding", binding, role, who)


# --------------------------------------------------------------------------------------------

class Principal:
    """Someone who sends requests: user JSON (as in `user`), source IP, userAgent."""
    __slots__ = ("username", "uid", "groups", "extra", "json", "ip", "ua", "reason", "kind", "name", "namespace",
                 "extra_keys")

    def __init__(self, username, groups, uid=None, extra=None, ip="", ua="", reason=""):
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra or {}
        u = {"username": username}
        if uid:
            u["uid"] = uid
        u["groups"] = groups
        if self.extra:
            u["extra"] = dict(sorted(self.extra.items()))
        self.json = dumps(u)
        self.ip = ip
        self.ua = ua
        self.reason = reason    # the RBAC reason for its ordinary (allowed) requests
        if username.startswith("system:serviceaccount:"):
            _, _, ns, name = username.split(":", 3)
            self.kind, self.name, self.namespace = "ServiceAccount", name, ns
        else:
            self.kind, self.name, self.namespace = "User", username, ""
        self.extra_keys = sorted(self.extra)


class Caller:
    """A fixed client of the kubelet API with fixed grants (one ClusterRoleBinding)."""

    def __init__(self, username, groups, grants, paths, share, binding=None, role=None, via_group=None,
                 daemonset=False, pods=1, uid=None, cred="jti", ns_pod=None):
        self.username = username
        self.groups = groups
        self.grants = grants          # {(verb, subresource)}; ("*", "*") = everything
        self.paths = paths            # [(weight, method, path)]
        self.share = share
        self.binding, self.role, self.via_group = binding, role, via_group
        self.daemonset = daemonset
        self.pods = pods
        self.uid = uid
        self.cred = cred              # "jti" (ServiceAccount token) or "x509"
        self.ns_pod = ns_pod          # pod name prefix
        if username.startswith("system:serviceaccount:"):
            _, _, ns, name = username.split(":", 3)
            self.kind, self.name, self.namespace = "ServiceAccount", name, ns
        else:
            self.kind, self.name, self.namespace = "User", username, ""
        if binding is None:
            self.reason_json = None
        elif via_group:
            self.reason_json = dumps(rbac_reason(binding, role, "Group", via_group))
        elif self.kind == "ServiceAccount":
            self.reason_json = dumps(rbac_reason(binding, role, "ServiceAccount", self.name, self.namespace))
        else:
            self.reason_json = dumps(rbac_reason(binding, role, "User", self.name))

    def allows(self, verb, sub):
        g = self.grants
        return ("*", "*") in g or (verb, sub) in g or ("*", sub) in g


def sa_groups(ns):
    return ["system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"]


class Generator:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        rnd = self.rng
        self.target = int(a.size_mb * MIB)
        self.start_us = a.start_epoch * 1_000_000
        self.span_us = int(a.hours * 3600 * 1_000_000)
        self.ts_cache = {}
        self.heap = []
        self.seq = 0
        self.pending_bytes = 0
        # output
        self.out = []
        self.out_bytes = 0
        self.nbytes = 0
        self.nlines = 0
        self.cat_lines = [0] * 5
        self.candidate_lines = 0
        self.last_stage_us = 0
        # expected records (unique by auditID)
        self.kubelet = {}   # auditID -> [recv_us, user, node, verb, sub, allowed, line, kind, name, ns]
        self.proxy = {}
        self.fallback_pairs = 0
        self.kubelet_requests = 0
        self.rr_kubelet = 0
        self.malformed_lines = []

        # ---- nodes
        self.nodes = []
        used = set()
        for i in range(a.nodes):
            while True:
                o3, o4 = rnd.randrange(1, 64), rnd.randrange(2, 255)
                if (o3, o4) not in used:
                    used.add((o3, o4))
                    break
            ip = "10.42.%d.%d" % (o3, o4)
            name = "ip-10-42-%d-%d.%s.compute.internal" % (o3, o4, REGION)
            minor = 35 if rnd.random() < 0.03 else 36
            ver = "v1.35.4" if minor == 35 else "v1.36.2"
            ua = "kubelet/%s (linux/amd64) kubernetes/%s" % (ver, "4d3c2b1" if minor == 35 else K8S_SHA)
            cred = "X509SHA256=%064x" % rnd.getrandbits(256)
            p = Principal("system:node:" + name, ["system:nodes", "system:authenticated"],
                          extra={"authentication.kubernetes.io/credential-id": [cred]}, ip=ip, ua=ua)
            self.nodes.append({"name": name, "ip": ip, "minor": minor, "ua": ua, "p": p, "uid": self.uuid(),
                               "rv": rnd.randrange(10_000_000, 90_000_000)})

        # ---- principals for the bulk traffic
        cp_ua = "kube-controller-manager/v1.36.2 (linux/amd64) kubernetes/" + K8S_SHA
        self.kcm = Principal("system:kube-controller-manager", ["system:authenticated"],
                             extra={"authentication.kubernetes.io/credential-id": ["X509SHA256=%064x" % rnd.getrandbits(256)]},
                             ip=CONTROL_PLANE_IP, ua=cp_ua + "/leader-election",
                             reason=rbac_reason("system:kube-controller-manager", "system:kube-controller-manager", "User",
                                                "system:kube-controller-manager"))
        self.sched = Principal("system:kube-scheduler", ["system:authenticated"],
                               extra={"authentication.kubernetes.io/credential-id": ["X509SHA256=%064x" % rnd.getrandbits(256)]},
                               ip=CONTROL_PLANE_IP,
                               ua="kube-scheduler/v1.36.2 (linux/amd64) kubernetes/%s/leader-election" % K8S_SHA,
                               reason=rbac_reason("system:kube-scheduler", "system:kube-scheduler", "User", "system:kube-scheduler"))
        self.apiserver = Principal("system:apiserver", ["system:authenticated", "system:masters"], uid=self.uuid(),
                                   ip="::1", ua="kube-apiserver/v1.36.2 (linux/amd64) kubernetes/" + K8S_SHA, reason="")
        self.apiserver_ids = ["apiserver-%s" % ("%026x" % rnd.getrandbits(104)) for _ in range(3)]
        self.controllers = []
        for c in CONTROLLERS:
            p = self.sa_principal("kube-system", c, ip=CONTROL_PLANE_IP, ua=cp_ua + "/system:serviceaccount:kube-system:" + c,
                                  bound=False, role="system:controller:" + c)
            self.controllers.append((c, p))
        addon_specs = [
            ("kube-system", "coredns", "coredns/v1.12.1 (linux/amd64) kubernetes/$Format", "system:coredns",
             [("discovery.k8s.io", "endpointslices"), ("", "services"), ("", "namespaces")]),
            ("kube-system", "kube-proxy", "kube-proxy/v1.36.2 (linux/amd64) kubernetes/" + K8S_SHA, "system:node-proxier",
             [("discovery.k8s.io", "endpointslices"), ("", "services"), ("", "nodes")]),
            ("cert-manager", "cert-manager", "cert-manager-controller/v1.16.2 (linux/amd64) cert-manager/1a2b3c4d",
             "cert-manager-controller-certificates",
             [("cert-manager.io", "certificates"), ("cert-manager.io", "certificaterequests"), ("acme.cert-manager.io", "orders"),
              ("", "secrets")]),
            ("argocd", "argocd-application-controller", "argocd-application-controller/v3.0.6 (linux/amd64) kubernetes/$Format",
             "argocd-application-controller",
             [("argoproj.io", "applications"), ("apps", "deployments"), ("", "services"), ("", "configmaps"), ("", "secrets")]),
            ("ingress-nginx", "ingress-nginx", "nginx-ingress-controller/v1.12.1 (linux/amd64) ingress-nginx/5f7a2c1",
             "ingress-nginx",
             [("networking.k8s.io", "ingresses"), ("", "configmaps"), ("discovery.k8s.io", "endpointslices"), ("", "secrets")]),
            ("monitoring", "kube-state-metrics", "kube-state-metrics/v2.15.0 (linux/amd64) kubernetes/$Format",
             "kube-state-metrics",
             [("", "pods"), ("apps", "deployments"), ("", "nodes"), ("batch", "jobs"), ("", "configmaps"), ("", "secrets")]),
            ("monitoring", "prometheus-operator", "PrometheusOperator/0.81.0 (linux/amd64) kubernetes/$Format",
             "prometheus-operator",
             [("monitoring.coreos.com", "servicemonitors"), ("monitoring.coreos.com", "prometheuses"), ("apps", "statefulsets"),
              ("", "secrets")]),
            ("kube-system", "cluster-autoscaler", "cluster-autoscaler/v1.36.0 (linux/amd64) kubernetes/$Format",
             "cluster-autoscaler", [("", "nodes"), ("", "pods"), ("", "configmaps")]),
            ("datadog", "datadog-cluster-agent", "datadog-cluster-agent/7.66.0 (linux/amd64) kubernetes/$Format",
             "datadog-cluster-agent", [("", "pods"), ("", "nodes"), ("", "events"), ("", "configmaps")]),
            ("kube-system", "external-dns", "ExternalDNS/v0.16.1 (linux/amd64) kubernetes/$Format", "external-dns",
             [("", "services"), ("networking.k8s.io", "ingresses")]),
        ]
        self.addons = []
        for ns, name, ua, role, res in addon_specs:
            node = rnd.choice(self.nodes)
            p = self.sa_principal(ns, name, ip="10.244.%d.%d" % (rnd.randrange(0, 255), rnd.randrange(2, 255)), ua=ua,
                                  bound=True, node=node, role=role)
            self.addons.append((p, res))
        self.argocd = self.addons[3][0]
        self.humans = []
        for user, groups, binding, role in [
            ("alice@example.com", ["oidc:platform-admins", "system:authenticated"], "platform-admins", "cluster-admin"),
            ("bob@example.com", ["oidc:developers", "system:authenticated"], "developers", "edit"),
            ("carol@example.com", ["oidc:sre", "system:authenticated"], "sre", "admin"),
            ("dave@example.com", ["oidc:developers", "system:authenticated"], "developers", "edit"),
            ("erin@example.com", ["oidc:data", "system:authenticated"], "data-team", "view"),
        ]:
            ua = rnd.choice(["kubectl/v1.36.0 (darwin/arm64) kubernetes/" + K8S_SHA,
                             "kubectl/v1.35.2 (linux/amd64) kubernetes/9c1b0a7",
                             "k9s/v0.50.6 (darwin/arm64) kubernetes/$Format"])
            p = Principal(user, groups, ip="203.0.113.%d" % rnd.randrange(2, 250), ua=ua,
                          reason=rbac_reason(binding, role, "Group", groups[0]))
            self.humans.append(p)
        self.anonymous = Principal("system:anonymous", ["system:unauthenticated"], ip="10.42.0.1",
                                   ua="kube-probe/1.36", reason=rbac_reason("system:public-info-viewer",
                                                                            "system:public-info-viewer", "Group",
                                                                            "system:unauthenticated"))
        # app workloads (pods, deployments) per namespace
        self.workloads = []
        for ns in APP_NAMESPACES:
            for app in rnd.sample(APPS, 4):
                self.workloads.append((ns, app, "%s-%08x-%05x" % (app, rnd.getrandbits(32), rnd.getrandbits(20))))

        # ---- kubelet callers (fixed grants; see README "The audit log")
        G = lambda *subs: {("get", s) for s in subs}
        self.callers = [
            Caller("system:serviceaccount:monitoring:prometheus-k8s", sa_groups("monitoring"),
                   G("metrics", "stats"), [(30, "GET", "/metrics"), (40, "GET", "/metrics/cadvisor"),
                                           (15, "GET", "/metrics/probes"), (15, "GET", "/metrics/resource")],
                   share=33, binding="prometheus-k8s", role="prometheus-k8s", pods=2, uid=self.uuid(), ns_pod="prometheus-k8s"),
            Caller("system:serviceaccount:kube-system:metrics-server", sa_groups("kube-system"),
                   G("metrics"), [(1, "GET", "/metrics/resource")],
                   share=15, binding="system:metrics-server", role="system:metrics-server", pods=1, uid=self.uuid(),
                   ns_pod="metrics-server"),
            Caller("system:serviceaccount:datadog:datadog-agent", sa_groups("datadog"),
                   G("proxy", "metrics", "stats", "spec"),
                   [(35, "GET", "/pods"), (20, "GET", "/metrics/cadvisor"), (25, "GET", "/stats/summary"),
                    (10, "GET", "/healthz"), (10, "GET", "/metrics/probes")],
                   share=25, binding="datadog-agent", role="datadog-agent", daemonset=True, uid=self.uuid(),
                   ns_pod="datadog-agent"),
            Caller("system:serviceaccount:logging:fluent-bit", sa_groups("logging"),
                   G("pods"), [(1, "GET", "/pods")],
                   share=8, binding="fluent-bit", role="fluent-bit", daemonset=True, uid=self.uuid(), ns_pod="fluent-bit"),
            Caller("kube-apiserver-kubelet-client", ["kubeadm:cluster-admins", "system:authenticated"],
                   {("*", "*")},
                   [(55, "GET", "/containerLogs/{ns}/{pod}/{app}"), (25, "POST", "/exec/{ns}/{pod}/{app}"),
                    (8, "POST", "/portForward/{ns}/{pod}"), (7, "POST", "/attach/{ns}/{pod}/{app}"),
                    (5, "GET", "/containerLogs/{ns}/{pod}/{app}")],
                   share=8, binding="kubeadm:cluster-admins", role="cluster-admin", via_group="kubeadm:cluster-admins",
                   cred="x509"),
            Caller("system:serviceaccount:kube-system:node-feature-discovery", sa_groups("kube-system"),
                   G("proxy"), [(1, "GET", "/configz")],
                   share=3, binding="node-feature-discovery", role="node-feature-discovery", daemonset=True,
                   uid=self.uuid(), ns_pod="nfd-worker"),
            Caller("system:serviceaccount:ci:gitlab-runner", sa_groups("ci"),
                   G("proxy"), [(50, "GET", "/exec/{ns}/{pod}/{app}"), (30, "POST", "/run/{ns}/{pod}/{app}"),
                                (20, "GET", "/pods")],
                   share=2, binding="gitlab-runner-node-debug", role="node-debugger", pods=1, uid=self.uuid(),
                   ns_pod="gitlab-runner"),
            Caller("system:serviceaccount:dev:default", sa_groups("dev"),
                   set(), [(40, "GET", "/pods"), (20, "GET", "/statusz"), (20, "GET", "/metrics"), (20, "HEAD", "/healthz")],
                   share=2, pods=1, uid=self.uuid(), ns_pod="debug-shell"),
            Caller("system:serviceaccount:security:checkpointer", sa_groups("security"),
                   {("create", "checkpoint")}, [(1, "POST", "/checkpoint/{ns}/{pod}/{app}")],
                   share=1, binding="checkpointer", role="checkpointer", pods=1, uid=self.uuid(), ns_pod="checkpointer"),
            Caller("system:serviceaccount:sre:node-log-query", sa_groups("sre"),
                   G("log"), [(60, "GET", "/logs/journal?query=kubelet&tailLines=200"), (40, "GET", "/logs/messages")],
                   share=1, binding="node-log-query", role="node-log-reader", pods=1, uid=self.uuid(), ns_pod="node-log-query"),
        ]
        self.caller_weights = [c.share for c in self.callers]
        for c in self.callers:
            c.path_weights = [w for w, _, _ in c.paths]
            if c.cred == "x509":
                c.fixed_pods = [{"extra": {"authentication.kubernetes.io/credential-id": ["X509SHA256=%064x" % rnd.getrandbits(256)]},
                                 "node": None}]
            elif not c.daemonset:
                c.fixed_pods = [self.pod_identity(c, rnd.choice(self.nodes)) for _ in range(c.pods)]
            c.per_node = {}
        self.spec_cache = {}
        self.fields_cache = {}

        # ---- bulk mix: (weight, function)
        self.bulk = [
            (24, self.b_node_lease), (7, self.b_leader_lease), (2, self.b_apiserver_lease), (5, self.b_node_status),
            (4, self.b_pod_status), (2, self.b_kubelet_get_pod), (4, self.b_kubelet_watch_object),
            (3, self.b_kubelet_token), (3, self.b_kubelet_tokenreview), (6, self.b_events), (4, self.b_endpointslices),
            (10, self.b_controller_read), (4, self.b_controller_write), (9, self.b_addon), (4, self.b_human),
            (0.5, self.b_ssar), (2, self.b_nonresource), (2, self.b_secret_get),
        ]
        self.bulk_fns = [f for _, f in self.bulk]
        self.bulk_cum = self.cumulative([w for w, _ in self.bulk])
        self.decoys = [
            (20, self.d_kubectl_sar), (10, self.d_impersonated_ssar), (25, self.d_delegated_sar), (15, self.d_pods_proxy),
            (10, self.d_services_proxy), (10, self.d_named_proxy), (5, self.d_rbac_update), (5, self.d_forbidden_sar),
        ]
        self.decoy_fns = [f for _, f in self.decoys]
        self.decoy_cum = self.cumulative([w for w, _ in self.decoys])
        self.node_proxy_callers = self.make_node_proxy_callers()

    # ----------------------------------------------------------------------------------------
    # helpers

    @staticmethod
    def cumulative(ws):
        out, s = [], 0.0
        total = float(sum(ws))
        for w in ws:
            s += w / total
            out.append(s)
        out[-1] = 1.0
        return out

    def pick(self, cum, items):
        r = self.rng.random()
        for i, c in enumerate(cum):
            if r < c:
                return items[i]
        return items[-1]

    def uuid(self):
        h = "%032x" % self.rng.getrandbits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])

    def ts(self, us):
        s, frac = divmod(us, 1_000_000)
        p = self.ts_cache.get(s)
        if p is None:
            if len(self.ts_cache) > 50000:
                self.ts_cache.clear()
            p = self.ts_cache[s] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
        return "%s.%06dZ" % (p, frac)

    def sa_principal(self, ns, name, ip, ua, bound, node=None, role=None):
        extra = {"authentication.kubernetes.io/credential-id": ["JTI=" + self.uuid()]}
        if bound:
            pod = "%s-%08x-%05x" % (name, self.rng.getrandbits(32), self.rng.getrandbits(20))
            extra["authentication.kubernetes.io/node-name"] = [node["name"]]
            extra["authentication.kubernetes.io/node-uid"] = [node["uid"]]
            extra["authentication.kubernetes.io/pod-name"] = [pod]
            extra["authentication.kubernetes.io/pod-uid"] = [self.uuid()]
        reason = rbac_reason(role or name, role or name, "ServiceAccount", name, ns) if role else ""
        return Principal("system:serviceaccount:%s:%s" % (ns, name), sa_groups(ns), uid=self.uuid(), extra=extra,
                         ip=ip, ua=ua, reason=reason)

    def pod_identity(self, caller, node):
        rnd = self.rng
        pod = "%s-%05x" % (caller.ns_pod, rnd.getrandbits(20)) if caller.daemonset else \
            "%s-%08x-%05x" % (caller.ns_pod, rnd.getrandbits(32), rnd.getrandbits(20))
        return {"extra": {
            "authentication.kubernetes.io/credential-id": ["JTI=" + self.uuid()],
            "authentication.kubernetes.io/node-name": [node["name"]],
            "authentication.kubernetes.io/node-uid": [node["uid"]],
            "authentication.kubernetes.io/pod-name": [pod],
            "authentication.kubernetes.io/pod-uid": [self.uuid()],
        }, "node": node, "pod": pod}

    def spec_tail(self, caller, ident):
        """`"user":…,"groups":…,"extra":…,"uid":…` of a kubelet review (without the braces)."""
        key = (id(caller), id(ident))
        s = self.spec_cache.get(key)
        if s is None:
            s = '"user":%s,"groups":%s,"extra":%s' % (dumps(caller.username), dumps(caller.groups), dumps(ident["extra"]))
            if caller.uid:
                s += ',"uid":"%s"' % caller.uid
            self.spec_cache[key] = s
        return s

    @staticmethod
    def fields_of(spec):
        """managedFields fieldsV1 for a review spec: every set field, maps with ".", keys sorted."""
        f = {}
        for k, v in spec.items():
            f["f:" + k] = dict(sorted([(".", {})] + [("f:" + kk, {}) for kk in v])) if isinstance(v, dict) else {}
        return dumps({"f:spec": dict(sorted(f.items()))})

    def kubelet_fields(self, extra_keys, has_verb, has_uid):
        key = (extra_keys, has_verb, has_uid)
        s = self.fields_cache.get(key)
        if s is None:
            ra = {"verb": 1, "version": 1, "resource": 1, "subresource": 1, "name": 1}
            if not has_verb:
                del ra["verb"]
            spec = {"resourceAttributes": ra, "user": 1, "groups": 1, "extra": {k: 1 for k in extra_keys}}
            if has_uid:
                spec["uid"] = 1
            s = self.fields_cache[key] = self.fields_of(spec)
        return s

    # ----------------------------------------------------------------------------------------
    # scheduling: every line goes through a heap keyed by its stageTimestamp

    def push(self, due_us, line, cat):
        self.seq += 1
        heapq.heappush(self.heap, (due_us, self.seq, line, cat))
        self.pending_bytes += len(line) + 1

    def emit_until(self, t_us):
        heap = self.heap
        while heap and heap[0][0] <= t_us:
            due, _, line, cat = heapq.heappop(heap)
            self.pending_bytes -= len(line) + 1
            self.write_line(line, cat, due)

    def write_line(self, line, cat, due=None):
        if due is not None:
            if due < self.last_stage_us:
                raise AssertionError("stageTimestamp went backwards")
            self.last_stage_us = due
        self.nlines += 1
        n = len(line) + 1
        self.nbytes += n
        self.out_bytes += n
        self.cat_lines[cat] += 1
        if cat == KUBELET or cat == PROXY:
            # the ResponseComplete copy is the one a reader keeps; its line number breaks time ties
            if '"stage":"ResponseComplete"' in line[:200]:
                i = line.index('"auditID":"') + 11
                (self.kubelet if cat == KUBELET else self.proxy)[line[i:i + 36]][6] = self.nlines
        if NEEDLES[0] in line or NEEDLES[1] in line:
            self.candidate_lines += 1
        self.out.append(line)
        if self.out_bytes >= 4 * MIB:
            self.flush()

    def flush(self):
        if self.out:
            self.out.append("")
            self.sink("\n".join(self.out).encode("ascii"))
            self.out = []
            self.out_bytes = 0

    # ----------------------------------------------------------------------------------------
    # generic request -> lines

    def request(self, t, level, uri, verb, who_json, ip, ua, oref, status, ann, lat_us, rr=False, long_us=0,
                oref_rr=None, bodies="", cat=BULK, aid=None):
        """Schedules the lines of one request received at t: RequestReceived (if rr), ResponseStarted
        (long-running requests: watches, proxies), ResponseComplete at t + latency."""
        aid = aid or self.uuid()
        head = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"' + level + '","auditID":"' + aid + '","stage":"'
        common = ('","requestURI":"' + uri + '","verb":"' + verb + '","user":' + who_json + ',"sourceIPs":["' + ip +
                  '"],"userAgent":"' + ua + '",')
        recv = self.ts(t)
        if rr:
            o = oref_rr or oref
            self.push(t, head + "RequestReceived" + common + ('"objectRef":' + o + "," if o else "") +
                      '"requestReceivedTimestamp":"' + recv + '","stageTimestamp":"' + recv + '"}', cat)
        o = '"objectRef":' + oref + "," if oref else ""
        tail = '","annotations":' + ann + "}" if ann else '"}'
        if long_us:
            t1 = t + lat_us
            self.push(t1, head + "ResponseStarted" + common + o + '"responseStatus":' + status + "," + bodies +
                      '"requestReceivedTimestamp":"' + recv + '","stageTimestamp":"' + self.ts(t1) + tail, cat)
            lat_us += long_us
        t2 = t + lat_us
        self.push(t2, head + "ResponseComplete" + common + o + '"responseStatus":' + status + "," + bodies +
                  '"requestReceivedTimestamp":"' + recv + '","stageTimestamp":"' + self.ts(t2) + tail, cat)
        return aid

    # ----------------------------------------------------------------------------------------
    # kubelet reviews

    def kubelet_request(self, t, truncated=False):
        rnd = self.rng
        c = rnd.choices(self.callers, self.caller_weights)[0]
        if c.daemonset:
            node = rnd.choice(self.nodes)
            ident = c.per_node.get(node["name"])
            if ident is None:
                ident = c.per_node[node["name"]] = self.pod_identity(c, node)
        else:
            ident = rnd.choice(c.fixed_pods)
            node = rnd.choice(self.nodes)
        _, method, path = rnd.choices(c.paths, c.path_weights)[0]
        if "{" in path:
            ns, app, pod = rnd.choice(self.workloads)
            path = path.format(ns=ns, pod=pod + "-" + "%05x" % rnd.getrandbits(20), app=app)
        verb = METHOD_VERB[method]
        subs = kubelet_subresources(path, node["minor"])
        tail = self.spec_tail(c, ident)
        fv1 = self.kubelet_fields(tuple(sorted(ident["extra"])), bool(verb), bool(c.uid))
        nodep = node["p"]
        cursor = t
        results = []
        lines = []
        for sub in subs:
            allowed = c.allows(verb, sub)
            aid = self.uuid()
            lat = rnd.randrange(700, 2300)
            recv_us, stage_us = cursor, cursor + lat
            stage_ts = self.ts(stage_us)
            ra = ('{"verb":"%s","version":"v1","resource":"nodes","subresource":"%s","name":"%s"}' % (verb, sub, node["name"])
                  if verb else '{"version":"v1","resource":"nodes","subresource":"%s","name":"%s"}' % (sub, node["name"]))
            spec = '{"resourceAttributes":' + ra + "," + tail + "}"
            status = ('{"allowed":true,"reason":' + c.reason_json + "}") if allowed else '{"allowed":false}'
            recv = self.ts(recv_us)
            common = ('","requestURI":"/apis/authorization.k8s.io/v1/subjectaccessreviews","verb":"create","user":' + nodep.json +
                      ',"sourceIPs":["' + node["ip"] + '"],"userAgent":"' + node["ua"] +
                      '","objectRef":{"resource":"subjectaccessreviews","apiGroup":"authorization.k8s.io","apiVersion":"v1"},')
            line = ('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"' + aid +
                    '","stage":"ResponseComplete' + common +
                    '"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"SubjectAccessReview",'
                    '"apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":' + spec +
                    ',"status":{"allowed":false}},"responseObject":{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",'
                    '"metadata":{"managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"authorization.k8s.io/v1",'
                    '"time":"' + stage_ts[:19] + 'Z","fieldsType":"FieldsV1","fieldsV1":' + fv1 + '}]},"spec":' + spec +
                    ',"status":' + status + '},"requestReceivedTimestamp":"' + recv + '","stageTimestamp":"' + stage_ts +
                    '","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}')
            if truncated:
                return line
            rr = rnd.random() < self.a.sar_request_received
            if rr:
                self.rr_kubelet += 1
                lines.append((recv_us, '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"' + aid +
                              '","stage":"RequestReceived' + common[:-1] + ',"requestReceivedTimestamp":"' + recv +
                              '","stageTimestamp":"' + recv + '"}'))
            lines.append((stage_us, line))
            self.kubelet[aid] = [recv_us, c, node["name"], verb, sub, allowed, 0]
            results.append(allowed)
            if allowed:
                break
            cursor = stage_us + rnd.randrange(200, 900)
        for due, line in lines:
            self.push(due, line, KUBELET)
        self.kubelet_requests += 1
        if len(results) == 2 and results[1] and not results[0]:
            self.fallback_pairs += 1

    # ----------------------------------------------------------------------------------------
    # API-server node proxy

    def make_node_proxy_callers(self):
        rnd = self.rng
        prom = self.sa_principal("monitoring", "prometheus-legacy", ip="10.244.7.31",
                                 ua="Prometheus/2.53.4", bound=True, node=rnd.choice(self.nodes), role="prometheus-legacy")
        headlamp = self.sa_principal("headlamp", "headlamp", ip="10.244.19.8",
                                     ua="Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36",
                                     bound=True, node=rnd.choice(self.nodes), role="headlamp-node-stats")
        alice, bob = self.humans[0], self.humans[1]
        # (weight, principal, impersonated principal or None, allowed, [(method, path)], name form)
        return [
            (55, prom, None, True, [("GET", "/metrics/cadvisor"), ("GET", "/metrics")], "plain"),
            (5, prom, None, True, [("GET", "/metrics/cadvisor")], "port"),
            (12, alice, None, True, [("GET", "/stats/summary"), ("GET", "/configz"),
                                      ("GET", "/logs/?query=kubelet&tailLines=100"), ("PUT", "/debug/flags/v")], "plain"),
            (10, headlamp, None, True, [("GET", "/stats/summary")], "plain"),
            (6, bob, None, False, [("GET", "/stats/summary"), ("GET", "/pods")], "plain"),
            (5, self.anonymous, None, False, [("GET", "/metrics")], "plain"),
            (4, alice, self.callers[0], False, [("GET", "/metrics/cadvisor")], "plain"),
            (3, alice, self.callers[6], True, [("GET", "/pods")], "scheme"),
        ]

    def node_proxy_request(self, t):
        rnd = self.rng
        ws = [x[0] for x in self.node_proxy_callers]
        _, p, imp, allowed, paths, form = rnd.choices(self.node_proxy_callers, ws)[0]
        node = rnd.choice(self.nodes)
        method, path = rnd.choice(paths)
        verb = {"GET": "get", "POST": "create", "PUT": "update"}[method]
        name = node["name"] if form == "plain" else node["name"] + ":10250" if form == "port" else "https:" + node["name"] + ":10250"
        who = p.json
        caller_name = p.username
        if imp is not None:
            iu = {"username": imp.username, "groups": imp.groups}
            who += ',"impersonatedUser":' + dumps(iu) + ',"authenticationMetadata":{"impersonationConstraint":"impersonate:serviceaccount"}'
            caller_name = imp.username
        uri = "/api/v1/nodes/%s/proxy%s" % (name, path)
        oref = '{"resource":"nodes","name":"%s","apiVersion":"v1","subresource":"proxy"}' % name
        if allowed:
            if imp is not None:
                reason = json.loads(imp.reason_json)
            else:
                reason = p.reason or rbac_reason("node-proxy", "node-proxy", p.kind, p.name, p.namespace)
            ann = annotations("allow", reason)
            status = OK200
        else:
            extra_msg, reason = "", ""
            if p is self.anonymous:
                extra_msg = reason = "proxy subresource changed to unsafeproxy"
            msg = 'nodes "%s" is forbidden: User "%s" cannot %s resource "nodes/proxy" in API group "" at the cluster scope' % (
                name, caller_name, verb)
            if extra_msg:
                msg += ": " + extra_msg
            status = failure(msg, "Forbidden", 403, name=name, kind="nodes")
            ann = annotations("forbid", reason)
        lat = rnd.randrange(800, 4000)
        long_us = rnd.randrange(3000, 250000) if allowed else rnd.randrange(200, 900)
        aid = self.request(t, "Request", uri, verb, who, p.ip, p.ua, oref, status, ann, lat, long_us=long_us, cat=PROXY)
        self.proxy[aid] = [t, caller_name, node["name"], verb, "proxy", allowed, 0]

    # ----------------------------------------------------------------------------------------
    # bulk traffic

    def b_node_lease(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        n["rv"] += rnd.randrange(1, 5000)
        if rnd.random() < 0.04:
            self.request(t, "Metadata", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s?timeout=10s" % n["name"],
                         "get", p.json, p.ip, p.ua,
                         object_ref("coordination.k8s.io", "leases", "kube-node-lease", n["name"]), OK200,
                         annotations("allow", ""), rnd.randrange(400, 3000))
            return
        conflict = rnd.random() < 0.003
        status = failure('Operation cannot be fulfilled on leases.coordination.k8s.io "%s": the object has been modified; '
                         'please apply your changes to the latest version and try again' % n["name"], "Conflict", 409,
                         name=n["name"], group="coordination.k8s.io", kind="leases") if conflict else OK200
        self.request(t, "Metadata", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s?timeout=10s" % n["name"],
                     "update", p.json, p.ip, p.ua,
                     object_ref("coordination.k8s.io", "leases", "kube-node-lease", n["name"], uid=n["uid"], rv=str(n["rv"])),
                     status, annotations("allow", ""), rnd.randrange(900, 9000))

    def b_leader_lease(self, t):
        rnd = self.rng
        r = rnd.random()
        if r < 0.35:
            p, name = self.kcm, "kube-controller-manager"
        elif r < 0.7:
            p, name = self.sched, "kube-scheduler"
        else:
            p, _ = rnd.choice(self.addons)
            name = {"cert-manager": "cert-manager-controller", "argocd-application-controller": "argocd-application-controller",
                    "ingress-nginx": "ingress-nginx-leader", "cluster-autoscaler": "cluster-autoscaler",
                    "prometheus-operator": "prometheus-operator", "datadog-cluster-agent": "datadog-leader-election",
                    "kube-state-metrics": "kube-state-metrics", "coredns": "coredns", "kube-proxy": "kube-proxy",
                    "external-dns": "external-dns"}[p.name]
        ns = p.namespace or "kube-system"
        verb = "get" if rnd.random() < 0.5 else "update"
        uri = "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s?timeout=5s" % (ns, name)
        if verb == "get":
            oref = object_ref("coordination.k8s.io", "leases", ns, name)
        else:
            oref = object_ref("coordination.k8s.io", "leases", ns, name, uid=self.uuid(), rv=str(rnd.randrange(10_000_000, 99_999_999)))
        self.request(t, "Metadata", uri, verb, p.json, p.ip, p.ua, oref, OK200, annotations("allow", p.reason),
                     rnd.randrange(500, 6000))

    def b_apiserver_lease(self, t):
        rnd = self.rng
        p = self.apiserver
        name = rnd.choice(self.apiserver_ids)
        self.request(t, "Metadata", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s" % name, "update",
                     p.json, p.ip, p.ua,
                     object_ref("coordination.k8s.io", "leases", "kube-system", name, uid=self.uuid(),
                                rv=str(rnd.randrange(10_000_000, 99_999_999))),
                     OK200, annotations("allow", ""), rnd.randrange(600, 5000))

    def b_node_status(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        self.request(t, "Metadata", "/api/v1/nodes/%s/status?timeout=10s" % n["name"], "patch", p.json, p.ip, p.ua,
                     object_ref("", "nodes", name=n["name"], sub="status"), OK200, annotations("allow", ""),
                     rnd.randrange(1500, 15000), rr=rnd.random() < 0.5)

    def random_node_pod(self):
        """A node's kubelet and a pod name on it (the rng draws in the order the benchmark files were made with)."""
        rnd = self.rng
        n = rnd.choice(self.nodes)
        ns, app, pod = rnd.choice(self.workloads)
        return n["p"], ns, pod + "-" + "%05x" % rnd.getrandbits(20)

    def b_pod_status(self, t):
        rnd = self.rng
        p, ns, pod = self.random_node_pod()
        self.request(t, "Metadata", "/api/v1/namespaces/%s/pods/%s/status" % (ns, pod), "patch", p.json, p.ip, p.ua,
                     object_ref("", "pods", ns, pod, sub="status"), OK200, annotations("allow", ""),
                     rnd.randrange(1500, 20000), rr=rnd.random() < 0.5)

    def b_kubelet_get_pod(self, t):
        rnd = self.rng
        p, ns, pod = self.random_node_pod()
        nf = rnd.random() < 0.05
        status = failure('pods "%s" not found' % pod, "NotFound", 404, name=pod, kind="pods") if nf else OK200
        self.request(t, "Metadata", "/api/v1/namespaces/%s/pods/%s" % (ns, pod), "get", p.json, p.ip, p.ua,
                     object_ref("", "pods", ns, pod), status, annotations("allow", ""), rnd.randrange(500, 4000),
                     rr=rnd.random() < 0.5)

    def b_kubelet_watch_object(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        ns, app, _ = rnd.choice(self.workloads)
        if rnd.random() < 0.6:
            res, name = "configmaps", rnd.choice(["kube-root-ca.crt", app + "-config", app + "-env"])
        else:
            res, name = "secrets", rnd.choice([app + "-tls", app + "-credentials", app + "-db"])
        to = rnd.randrange(300, 600)
        uri = ("/api/v1/namespaces/%s/%s?allowWatchBookmarks=true&fieldSelector=metadata.name%%3D%s&resourceVersion=%d"
               "&timeout=%dm%ds&timeoutSeconds=%d&watch=true" % (ns, res, name, rnd.randrange(10_000_000, 99_999_999),
                                                                 to // 60, to % 60, to))
        self.request(t, "Metadata", uri, "watch", p.json, p.ip, p.ua, object_ref("", res, ns),
                     OK200, annotations("allow", ""), rnd.randrange(300, 2000), rr=rnd.random() < 0.5, long_us=to * 1_000_000)

    def b_kubelet_token(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        ns, app, _ = rnd.choice(self.workloads)
        self.request(t, "Metadata", "/api/v1/namespaces/%s/serviceaccounts/%s/token" % (ns, app), "create", p.json, p.ip, p.ua,
                     object_ref("", "serviceaccounts", ns, app, sub="token"), OK201,
                     annotations("allow", "", {"authentication.kubernetes.io/issued-credential-id": "JTI=" + self.uuid()}),
                     rnd.randrange(2000, 9000), rr=rnd.random() < 0.5)

    def b_kubelet_tokenreview(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        self.request(t, "Metadata", "/apis/authentication.k8s.io/v1/tokenreviews", "create", p.json, p.ip, p.ua,
                     '{"resource":"tokenreviews","apiGroup":"authentication.k8s.io","apiVersion":"v1"}', OK201,
                     annotations("allow", ""), rnd.randrange(1000, 4000))

    def b_events(self, t):
        rnd = self.rng
        ns, app, pod = rnd.choice(self.workloads)
        if rnd.random() < 0.5:
            n = rnd.choice(self.nodes)
            p, reason = n["p"], ""
        else:
            c, p = rnd.choice(self.controllers)
            reason = p.reason
        name = "%s-%05x.%016x" % (pod, rnd.getrandbits(20), rnd.getrandbits(64))
        if rnd.random() < 0.7:
            self.request(t, "Metadata", "/api/v1/namespaces/%s/events" % ns, "create", p.json, p.ip, p.ua,
                         object_ref("", "events", ns, name), OK201, annotations("allow", reason), rnd.randrange(900, 6000))
        else:
            self.request(t, "Metadata", "/api/v1/namespaces/%s/events/%s" % (ns, name), "patch", p.json, p.ip, p.ua,
                         object_ref("", "events", ns, name), OK200, annotations("allow", reason), rnd.randrange(900, 6000))

    def b_endpointslices(self, t):
        rnd = self.rng
        _, p = self.controllers[2]
        ns, app, _ = rnd.choice(self.workloads)
        name = "%s-%05x" % (app, rnd.getrandbits(20))
        self.request(t, "Metadata", "/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices/%s" % (ns, name), "update",
                     p.json, p.ip, p.ua,
                     object_ref("discovery.k8s.io", "endpointslices", ns, name, uid=self.uuid(),
                                rv=str(rnd.randrange(10_000_000, 99_999_999))),
                     OK200, annotations("allow", p.reason), rnd.randrange(1500, 9000))

    def read_request(self, t, p, group, res, reason, ns=None, watch_ok=True):
        """get/list/watch of a resource by p."""
        rnd = self.rng
        r = rnd.random()
        if ns is None:
            ns = rnd.choice(NAMESPACES) if rnd.random() < 0.6 else None
        if r < 0.45:
            _, app, pod = rnd.choice(self.workloads)
            name = app if res != "pods" else pod + "-%05x" % rnd.getrandbits(20)
            nf = rnd.random() < 0.03
            status = failure('%s "%s" not found' % (res if not group else res + "." + group, name), "NotFound", 404,
                             name=name, group=group or None, kind=res) if nf else OK200
            self.request(t, "Metadata", resource_path(group, res, ns or "default", name), "get", p.json, p.ip, p.ua,
                         object_ref(group, res, ns or "default", name), status, annotations("allow", reason),
                         rnd.randrange(500, 5000), rr=rnd.random() < 0.5)
        elif r < 0.75 or not watch_ok:
            uri = resource_path(group, res, ns) + ("?limit=500&resourceVersion=0" if rnd.random() < 0.6 else "?limit=500")
            lat = rnd.randrange(2000, 60000) if rnd.random() < 0.95 else rnd.randrange(500000, 2500000)
            ann = annotations("allow", reason, {"apiserver.latency.k8s.io/etcd": "%.6fms" % (lat / 1300.0),
                                                 "apiserver.latency.k8s.io/response-write": "%.6fms" % rnd.uniform(0.002, 0.04),
                                                 "apiserver.latency.k8s.io/serialize-response-object": "%.6fms" % (lat / 9000.0),
                                                 "apiserver.latency.k8s.io/total": "%.6fms" % (lat / 1000.0)}) \
                if lat > 500000 else annotations("allow", reason)
            self.request(t, "Metadata", uri, "list", p.json, p.ip, p.ua, object_ref(group, res, ns), OK200, ann, lat,
                         rr=rnd.random() < 0.5)
        else:
            to = rnd.randrange(300, 600)
            uri = (resource_path(group, res, ns) + "?allowWatchBookmarks=true&resourceVersion=%d&timeout=%dm%ds&timeoutSeconds=%d&watch=true"
                   % (rnd.randrange(10_000_000, 99_999_999), to // 60, to % 60, to))
            self.request(t, "Metadata", uri, "watch", p.json, p.ip, p.ua, object_ref(group, res, ns), OK200,
                         annotations("allow", reason), rnd.randrange(300, 3000), rr=rnd.random() < 0.5, long_us=to * 1_000_000)

    def b_controller_read(self, t):
        rnd = self.rng
        c, p = rnd.choice(self.controllers)
        group, res = rnd.choice(CONTROLLER_RESOURCES[c])
        self.read_request(t, p, group, res, p.reason)

    def b_controller_write(self, t):
        rnd = self.rng
        c, p = rnd.choice(self.controllers[:9])
        group, res = CONTROLLER_RESOURCES[c][0]
        ns, app, _ = rnd.choice(self.workloads)
        name = app if res in ("deployments", "daemonsets", "statefulsets", "cronjobs") else "%s-%08x" % (app, rnd.getrandbits(32))
        if res in CLUSTER_SCOPED:
            name = rnd.choice(self.nodes)["name"] if res == "nodes" else ns
        sub = "status" if rnd.random() < 0.6 else None
        verb = "update" if rnd.random() < 0.6 else "patch"
        uri = resource_path(group, res, ns, name, sub)
        oref = object_ref(group, res, ns, name, sub=sub, uid=self.uuid() if verb == "update" else None,
                          rv=str(rnd.randrange(10_000_000, 99_999_999)) if verb == "update" else None)
        self.request(t, "Metadata", uri, verb, p.json, p.ip, p.ua, oref, OK200, annotations("allow", p.reason),
                     rnd.randrange(1500, 12000), rr=rnd.random() < 0.5,
                     oref_rr=object_ref(group, res, ns, name, sub=sub))

    def b_addon(self, t):
        rnd = self.rng
        p, res = rnd.choice(self.addons)
        group, r = rnd.choice(res)
        if rnd.random() < 0.2 and r not in ("nodes", "secrets", "events"):
            ns, app, _ = rnd.choice(self.workloads)
            name = "%s-%05x" % (app, rnd.getrandbits(20))
            self.request(t, "Metadata", resource_path(group, r, ns, name), "patch", p.json, p.ip, p.ua,
                         object_ref(group, r, ns, name), OK200, annotations("allow", p.reason), rnd.randrange(2000, 15000),
                         rr=rnd.random() < 0.5)
        else:
            self.read_request(t, p, group, r, p.reason)

    def b_human(self, t):
        rnd = self.rng
        p = rnd.choice(self.humans)
        ns, app, pod = rnd.choice(self.workloads)
        pod = pod + "-%05x" % rnd.getrandbits(20)
        r = rnd.random()
        if r < 0.2:
            path = rnd.choice(["/api?timeout=32s", "/apis?timeout=32s", "/version?timeout=32s"])
            self.request(t, "Metadata", path, "get", p.json, p.ip, p.ua, None, OK200,
                         annotations("allow", rbac_reason("system:discovery", "system:discovery", "Group", "system:authenticated")),
                         rnd.randrange(300, 2000))
        elif r < 0.55:
            self.read_request(t, p, rnd.choice(["", "", "apps"]), rnd.choice(["pods", "deployments", "services"]), p.reason,
                              ns=ns, watch_ok=False)
        elif r < 0.8:
            self.request(t, "Metadata", "/api/v1/namespaces/%s/pods/%s/log?container=%s&follow=true&tailLines=100" % (ns, pod, app),
                         "get", p.json, p.ip, p.ua, object_ref("", "pods", ns, pod, sub="log"), OK200,
                         annotations("allow", p.reason), rnd.randrange(5000, 20000), rr=True,
                         long_us=rnd.randrange(1_000_000, 120_000_000))
        else:
            p = self.humans[rnd.randrange(0, 4)]   # erin only has view
            self.request(t, "Metadata", "/api/v1/namespaces/%s/pods/%s/exec?command=sh&container=%s&stdin=true&stdout=true&tty=true"
                         % (ns, pod, app), "create", p.json, p.ip, p.ua, object_ref("", "pods", ns, pod, sub="exec"),
                         '{"metadata":{},"code":101}', annotations("allow", p.reason), rnd.randrange(5000, 20000), rr=True,
                         long_us=rnd.randrange(1_000_000, 600_000_000))

    def b_ssar(self, t):
        rnd = self.rng
        p = self.argocd if rnd.random() < 0.6 else rnd.choice(self.humans)
        self.request(t, "Metadata", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "create", p.json, p.ip, p.ua,
                     '{"resource":"selfsubjectaccessreviews","apiGroup":"authorization.k8s.io","apiVersion":"v1"}', OK201,
                     annotations("allow", rbac_reason("system:basic-user", "system:basic-user", "Group", "system:authenticated")),
                     rnd.randrange(400, 3000), rr=rnd.random() < 0.5)

    def b_nonresource(self, t):
        rnd = self.rng
        if rnd.random() < 0.5:
            p = self.anonymous
            self.request(t, "Metadata", rnd.choice(["/livez", "/readyz", "/healthz"]), "get", p.json, p.ip, p.ua, None, OK200,
                         annotations("allow", p.reason), rnd.randrange(200, 3000))
        else:
            c, p = rnd.choice(self.controllers)
            self.request(t, "Metadata", rnd.choice(["/api", "/apis", "/openapi/v3", "/version"]), "get", p.json, p.ip, p.ua,
                         None, OK200,
                         annotations("allow", rbac_reason("system:discovery", "system:discovery", "Group", "system:authenticated")),
                         rnd.randrange(300, 5000), rr=rnd.random() < 0.5)

    def b_secret_get(self, t):
        rnd = self.rng
        n = rnd.choice(self.nodes)
        p = n["p"]
        ns, app, _ = rnd.choice(self.workloads)
        name = app + rnd.choice(["-tls", "-credentials", "-db", "-registry"])
        self.request(t, "Metadata", "/api/v1/namespaces/%s/secrets/%s" % (ns, name), "get", p.json, p.ip, p.ua,
                     object_ref("", "secrets", ns, name), OK200, annotations("allow", ""), rnd.randrange(400, 3000),
                     rr=rnd.random() < 0.5)

    # ----------------------------------------------------------------------------------------
    # decoys: mention subjectaccessreviews or "proxy" without being kubelet access

    def sar_event(self, t, who_json, ip, ua, reason, uri, manager, spec, status, ann=None):
        """A (Self)SubjectAccessReview created by someone other than a kubelet, level RequestResponse."""
        rnd = self.rng
        lat = rnd.randrange(800, 3000)
        kind = "SelfSubjectAccessReview" if "selfsubject" in uri else "SubjectAccessReview"
        sj = dumps(spec)
        stage_ts = self.ts(t + lat)
        bodies = ('"requestObject":{"kind":"%s","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":%s,"status":{"allowed":false}},'
                  '"responseObject":{"kind":"%s","apiVersion":"authorization.k8s.io/v1","metadata":{"managedFields":[{"manager":"%s",'
                  '"operation":"Update","apiVersion":"authorization.k8s.io/v1","time":"%sZ","fieldsType":"FieldsV1","fieldsV1":%s}]},'
                  '"spec":%s,"status":%s},' % (kind, sj, kind, manager, stage_ts[:19], self.fields_of(spec), sj, dumps(status)))
        res = "selfsubjectaccessreviews" if kind == "SelfSubjectAccessReview" else "subjectaccessreviews"
        self.request(t, "RequestResponse", uri, "create", who_json, ip, ua,
                     '{"resource":"%s","apiGroup":"authorization.k8s.io","apiVersion":"v1"}' % res, OK201,
                     ann or annotations("allow", reason), lat, bodies=bodies, cat=DECOY)

    def d_kubectl_sar(self, t):
        rnd = self.rng
        p = self.humans[0]
        c = rnd.choice(self.callers[:4] + self.callers[6:8])
        sub = rnd.choice(["metrics", "proxy", "stats", "pods"])
        node = rnd.choice(self.nodes)["name"]
        spec = {"resourceAttributes": {"verb": "get", "version": "v1", "resource": "nodes", "subresource": sub, "name": node},
                "user": c.username, "groups": c.groups}
        st = {"allowed": True, "reason": json.loads(c.reason_json)} if c.allows("get", sub) else {"allowed": False}
        self.sar_event(t, p.json, p.ip, p.ua, p.reason,
                       "/apis/authorization.k8s.io/v1/subjectaccessreviews?fieldManager=kubectl-create&fieldValidation=Strict",
                       "kubectl-create", spec, st)

    def d_impersonated_ssar(self, t):
        rnd = self.rng
        p = self.humans[0]
        c = rnd.choice(self.callers[:4] + self.callers[6:8])
        sub = rnd.choice(["proxy", "metrics", "pods"])
        spec = {"resourceAttributes": {"namespace": "default", "verb": "get", "resource": "nodes", "subresource": sub}}
        st = {"allowed": True, "reason": json.loads(c.reason_json)} if c.allows("get", sub) else {"allowed": False}
        iu = dumps({"username": c.username, "groups": c.groups})
        who = p.json + ',"impersonatedUser":' + iu + ',"authenticationMetadata":{"impersonationConstraint":"impersonate:serviceaccount"}'
        self.sar_event(t, who, p.ip, p.ua, p.reason, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "kubectl", spec, st,
                       ann=annotations("allow", rbac_reason("system:basic-user", "system:basic-user", "Group", "system:authenticated")))

    def d_delegated_sar(self, t):
        rnd = self.rng
        ms = self.callers[1]
        p = Principal(ms.username, ms.groups, uid=ms.uid, extra=ms.fixed_pods[0]["extra"], ip="10.244.3.17",
                      ua="metrics-server/v0.7.2 (linux/amd64) kubernetes/$Format",
                      reason=rbac_reason("metrics-server:system:auth-delegator", "system:auth-delegator", "ServiceAccount",
                                         "metrics-server", "kube-system"))
        who = rnd.choice(self.humans[:3] + [self.controllers[12][1]])
        res = rnd.choice(["nodes", "pods"])
        ra = {"verb": rnd.choice(["list", "get"]), "group": "metrics.k8s.io", "version": "v1beta1", "resource": res}
        if res == "pods":
            ra = {"namespace": rnd.choice(APP_NAMESPACES), **ra}
        spec = {"resourceAttributes": ra, "user": who.username, "groups": who.groups}
        st = {"allowed": True, "reason": who.reason}
        self.sar_event(t, p.json, p.ip, p.ua, p.reason, "/apis/authorization.k8s.io/v1/subjectaccessreviews?timeout=10s",
                       "metrics-server", spec, st)

    def d_pods_proxy(self, t):
        rnd = self.rng
        p = self.humans[rnd.randrange(0, 3)]
        pod, port, path = rnd.choice([("alertmanager-main-0", "9093", "/api/v2/status"), ("prometheus-k8s-0", "9090", "/api/v1/targets"),
                                      ("grafana-6d9f7c5b8-x2k4p", "3000", "/api/health")])
        self.request(t, "Request", "/api/v1/namespaces/monitoring/pods/%s:%s/proxy%s" % (pod, port, path), "get", p.json, p.ip, p.ua,
                     object_ref("", "pods", "monitoring", "%s:%s" % (pod, port), sub="proxy"), OK200,
                     annotations("allow", p.reason), rnd.randrange(1000, 5000), long_us=rnd.randrange(3000, 90000), cat=DECOY)

    def d_services_proxy(self, t):
        rnd = self.rng
        p = self.humans[rnd.randrange(0, 3)]
        ns, name, path = rnd.choice([("kubernetes-dashboard", "https:kubernetes-dashboard:", "/"),
                                     ("kube-system", "https:metrics-server:", "/healthz"),
                                     ("monitoring", "http:grafana:3000", "/login")])
        self.request(t, "Request", "/api/v1/namespaces/%s/services/%s/proxy%s" % (ns, name, path), "get", p.json, p.ip, p.ua,
                     object_ref("", "services", ns, name, sub="proxy"), OK200, annotations("allow", p.reason),
                     rnd.randrange(1000, 5000), long_us=rnd.randrange(3000, 90000), cat=DECOY)

    def d_named_proxy(self, t):
        rnd = self.rng
        p = self.argocd
        group, res = rnd.choice([("", "services"), ("apps", "deployments"), ("", "configmaps")])
        verb = rnd.choice(["get", "patch"])
        self.request(t, "Metadata", resource_path(group, res, "edge", "proxy"), verb, p.json, p.ip, p.ua,
                     object_ref(group, res, "edge", "proxy"), OK200, annotations("allow", p.reason), rnd.randrange(1000, 8000),
                     rr=rnd.random() < 0.5, cat=DECOY)

    def d_rbac_update(self, t):
        rnd = self.rng
        p = self.argocd
        name = rnd.choice(["vault-auth-delegator", "prometheus-adapter-auth", "kube-rbac-proxy"])
        uid = self.uuid()
        rv = str(rnd.randrange(10_000_000, 99_999_999))
        rules = [{"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews"]},
                 {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["subjectaccessreviews"]}]
        labels = {"app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "argocd"}
        req = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1",
               "metadata": {"name": name, "uid": uid, "resourceVersion": rv, "labels": labels}, "rules": rules}
        lat = rnd.randrange(3000, 12000)
        resp = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": {"name": name, "uid": uid, "resourceVersion": str(int(rv) + rnd.randrange(1, 999)),
                             "creationTimestamp": "2026-03-14T09:26:53Z", "labels": labels,
                             "managedFields": [{"manager": "argocd-controller", "operation": "Apply",
                                                "apiVersion": "rbac.authorization.k8s.io/v1", "time": self.ts(t + lat)[:19] + "Z",
                                                "fieldsType": "FieldsV1",
                                                "fieldsV1": {"f:metadata": {"f:labels": {"f:app.kubernetes.io/instance": {},
                                                                                         "f:app.kubernetes.io/managed-by": {}}},
                                                             "f:rules": {}}}]}, "rules": rules}
        bodies = '"requestObject":%s,"responseObject":%s,' % (dumps(req), dumps(resp))
        self.request(t, "RequestResponse", "/apis/rbac.authorization.k8s.io/v1/clusterroles/%s?fieldManager=argocd-controller&force=true" % name,
                     "patch", p.json, p.ip, p.ua,
                     object_ref("rbac.authorization.k8s.io", "clusterroles", name=name), OK200,
                     annotations("allow", p.reason), lat, bodies=bodies, cat=DECOY)

    def d_forbidden_sar(self, t):
        rnd = self.rng
        ns, app, _ = rnd.choice(self.workloads)
        p = self.sa_principal(ns, app, ip="10.244.%d.%d" % (rnd.randrange(0, 255), rnd.randrange(2, 255)),
                              ua="Go-http-client/2.0", bound=True, node=rnd.choice(self.nodes))
        msg = ('subjectaccessreviews.authorization.k8s.io is forbidden: User "%s" cannot create resource "subjectaccessreviews" '
               'in API group "authorization.k8s.io" at the cluster scope' % p.username)
        self.request(t, "RequestResponse", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "create", p.json, p.ip, p.ua,
                     '{"resource":"subjectaccessreviews","apiGroup":"authorization.k8s.io","apiVersion":"v1"}',
                     failure(msg, "Forbidden", 403, group="authorization.k8s.io", kind="subjectaccessreviews"),
                     annotations("forbid", ""), rnd.randrange(300, 1500), cat=DECOY)

    # ----------------------------------------------------------------------------------------

    def truncated_line(self, t, kubelet):
        """A line cut short, as a crash or a full disk leaves it: never ends with `}`."""
        rnd = self.rng
        if kubelet:
            line = self.kubelet_request(t, truncated=True)
        else:
            saved_heap, saved_pb, saved_seq = self.heap, self.pending_bytes, self.seq
            self.heap = []
            self.b_node_status(t)
            line = max(self.heap)[2]
            self.heap, self.pending_bytes, self.seq = saved_heap, saved_pb, saved_seq
        cut = rnd.randrange(len(line) // 3, len(line) - 2)
        while line[cut - 1] in "}":
            cut -= 1
        return line[:cut]

    def run(self, sink):
        self.sink = sink
        a = self.a
        rnd = self.rng
        target = self.target
        # malformed lines: at these byte offsets (fractions of the target size)
        mal_at = sorted(rnd.uniform(0.02, 0.98) * target for _ in range(a.malformed))
        mal_i = 0
        # unit probabilities, re-estimated from the observed lines per unit
        est_lines = max(1, target // 950)
        f_sar = a.sar_fraction
        f_proxy = a.node_proxy_fraction
        f_decoy = max(a.decoy_fraction, min(0.01, 40.0 / est_lines)) if a.decoy_fraction > 0 else 0.0
        units = [1, 1, 1, 1]       # bulk, kubelet, proxy, decoy
        ulines = [1.4, 1.3, 2.0, 1.6]
        p_k = p_p = p_d = 0.0
        i = 0
        bulk_fns, bulk_cum = self.bulk_fns, self.bulk_cum
        decoy_fns, decoy_cum = self.decoy_fns, self.decoy_cum
        clock = self.start_us
        while self.nbytes + self.pending_bytes < target:
            if i % 2048 == 0:
                lk, lb, lp, ld = (ulines[1] / units[1], ulines[0] / units[0], ulines[2] / units[2], ulines[3] / units[3])
                fb = max(0.0, 1.0 - f_sar - f_proxy - f_decoy)
                wk, wp, wd, wb = f_sar / lk, f_proxy / lp, f_decoy / ld, fb / lb
                tot = wk + wp + wd + wb
                p_k, p_p, p_d = wk / tot, (wk + wp) / tot, (wk + wp + wd) / tot
            i += 1
            clock = max(clock + 1, self.start_us + self.span_us * (self.nbytes + self.pending_bytes) // target)
            self.emit_until(clock)
            if mal_i < len(mal_at) and self.nbytes >= mal_at[mal_i]:
                line = self.truncated_line(clock, kubelet=(mal_i == 0 and f_sar > 0))
                self.malformed_lines.append(self.nlines + 1)
                self.write_line(line, MALFORMED)
                mal_i += 1
            before = self.seq
            r = rnd.random()
            if r < p_k:
                self.kubelet_request(clock)
                k = 1
            elif r < p_p:
                self.node_proxy_request(clock)
                k = 2
            elif r < p_d:
                decoy_fns[self.bisect(decoy_cum, rnd.random())](clock)
                k = 3
            else:
                bulk_fns[self.bisect(bulk_cum, rnd.random())](clock)
                k = 0
            units[k] += 1
            ulines[k] += self.seq - before
        # drain
        while self.heap:
            due, _, line, cat = heapq.heappop(self.heap)
            self.pending_bytes -= len(line) + 1
            self.write_line(line, cat, due)
        while mal_i < len(mal_at):   # a tiny file: put the remaining ones at the end
            line = self.truncated_line(self.last_stage_us, kubelet=False)
            self.malformed_lines.append(self.nlines + 1)
            self.write_line(line, MALFORMED)
            mal_i += 1
        self.flush()

    @staticmethod
    def bisect(cum, r):
        lo = 0
        for c in cum:
            if r < c:
                return lo
            lo += 1
        return lo - 1

    # ----------------------------------------------------------------------------------------

    def expected(self):
        """What a reader of the file should report (rules of spec section 6 / the evidence command)."""
        kub = self.kubelet
        prox = self.proxy
        e = {
            "bytes": self.nbytes,
            "lines": self.nlines,
            "events": self.nlines - len(self.malformed_lines),
            "malformed": len(self.malformed_lines),
            "malformedLines": self.malformed_lines,
            "kubeletReviewLines": self.cat_lines[KUBELET],
            "kubeletReviews": len(kub),
            "kubeletAllowed": sum(1 for r in kub.values() if r[5]),
            "kubeletDenied": sum(1 for r in kub.values() if not r[5]),
            "kubeletUnknown": 0,
            "kubeletRequests": self.kubelet_requests,
            "kubeletRequestReceivedLines": self.rr_kubelet,
            "fallbackPairs": self.fallback_pairs,
            "nodeProxyLines": self.cat_lines[PROXY],
            "nodeProxyRequests": len(prox),
            "nodeProxyAllowed": sum(1 for r in prox.values() if r[5]),
            "nodeProxyDenied": sum(1 for r in prox.values() if not r[5]),
            "decoyLines": self.cat_lines[DECOY],
            "candidateLines": self.candidate_lines,
        }
        # usage rows and the fallback heuristic, as the evidence command aggregates them: records by
        # receive time, a denied fine-grained check then an allowed proxy check for the same
        # caller/node/verb within 1 s.
        recs = [(r[0], r[6], aid, "kubelet", r[1].username, r[2], r[3], r[4], r[5]) for aid, r in kub.items()]
        recs += [(r[0], r[6], aid, "apiserverProxy", r[1], r[2], r[3], r[4], r[5]) for aid, r in prox.items()]
        recs.sort()
        rows = set()
        last_denied = {}
        fallback_used = 0
        per_subject = {}
        for t, _, _, path, user, node, verb, sub, allowed in recs:
            rows.add((path, user, node, sub, verb))
            if path == "kubelet":
                s = per_subject.setdefault(user, [0, 0])
                s[0 if allowed else 1] += 1
                pk = (user, node, verb)
                if sub in ("pods", "healthz", "configz", "statusz") and not allowed:
                    last_denied[pk] = t
                elif sub == "proxy" and allowed and pk in last_denied and 0 <= t - last_denied[pk] <= 1_000_000:
                    fallback_used += 1
                    del last_denied[pk]
        e["fallbackAllowed"] = fallback_used
        e["kubeletUsageRows"] = sum(1 for r in rows if r[0] == "kubelet")
        e["nodeProxyUsageRows"] = sum(1 for r in rows if r[0] == "apiserverProxy")
        e["kubeletBySubject"] = {u: {"allowed": v[0], "denied": v[1]} for u, v in sorted(per_subject.items())}
        return e


# --------------------------------------------------------------------------------------------
# output

class Writer:
    """Writes chunks to the plain file and/or a gzip copy on a background thread (zlib and
    file writes release the GIL, so compression overlaps generation)."""

    def __init__(self, plain_path, gz_path, level):
        self.q = queue.Queue(maxsize=8)
        self.plain = open(plain_path, "wb") if plain_path else None
        self.gzraw = open(gz_path, "wb") if gz_path else None
        self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.gzraw, compresslevel=level, mtime=0) if gz_path else None
        self.error = None
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        try:
            while True:
                b = self.q.get()
                if b is None:
                    break
                if self.plain:
                    self.plain.write(b)
                if self.gz:
                    self.gz.write(b)
        except BaseException as e:  # reported by close()
            self.error = e
            while self.q.get() is not None:
                pass

    def __call__(self, b):
        if self.error:
            raise self.error
        self.q.put(b)

    def close(self):
        self.q.put(None)
        self.thread.join()
        if self.plain:
            self.plain.close()
        if self.gz:
            self.gz.close()
            self.gzraw.close()
        if self.error:
            raise self.error


# --------------------------------------------------------------------------------------------
# --self-check: decode every line with the json module and apply the extraction rules

def self_check(path, expected):
    opener = gzip.open if path.endswith(".gz") else open
    lines = malformed = kub_lines = proxy_lines = cand = 0
    kub, prox = {}, {}
    mal_at = []
    with opener(path, "rb") as f:
        for raw in f:
            lines += 1
            if NEEDLES[0].encode() in raw or NEEDLES[1].encode() in raw:
                cand += 1
            try:
                ev = json.loads(raw)
            except ValueError:
                malformed += 1
                mal_at.append(lines)
                continue
            ref = ev.get("objectRef") or {}
            user = (ev.get("user") or {}).get("username", "")
            if (ref.get("resource") == "subjectaccessreviews" and ref.get("apiGroup") == "authorization.k8s.io"
                    and ev.get("verb") == "create" and user.startswith("system:node:")):
                spec = (ev.get("requestObject") or {}).get("spec") or {}
                ra = spec.get("resourceAttributes")
                if ra is not None and ra.get("resource") != "nodes":
                    continue
                kub_lines += 1
                st = (ev.get("responseObject") or {}).get("status")
                if st is not None:
                    kub[ev["auditID"]] = bool(st.get("allowed")) and not st.get("denied")
                else:
                    kub.setdefault(ev["auditID"], None)
            elif ref.get("resource") == "nodes" and ref.get("subresource") == "proxy" and not ref.get("apiGroup") and ref.get("name"):
                proxy_lines += 1
                prox[ev["auditID"]] = (ev.get("annotations") or {}).get("authorization.k8s.io/decision") == "allow"
    got = {
        "lines": lines, "malformed": malformed, "malformedLines": mal_at, "events": lines - malformed,
        "kubeletReviewLines": kub_lines, "kubeletReviews": len(kub),
        "kubeletAllowed": sum(1 for v in kub.values() if v is True),
        "kubeletDenied": sum(1 for v in kub.values() if v is False),
        "kubeletUnknown": sum(1 for v in kub.values() if v is None),
        "nodeProxyLines": proxy_lines, "nodeProxyRequests": len(prox),
        "nodeProxyAllowed": sum(1 for v in prox.values() if v), "nodeProxyDenied": sum(1 for v in prox.values() if not v),
        "candidateLines": cand,
    }
    bad = [k for k in got if got[k] != expected.get(k)]
    for k in got:
        print("self-check %-26s %-12s %s" % (k, "OK" if k not in bad else "MISMATCH",
                                             got[k] if k != "malformedLines" else got[k][:10]), file=sys.stderr)
    return not bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", required=True, help="output file (JSON lines); a name ending in .gz writes only gzip")
    ap.add_argument("--size-mb", type=float, default=1024, help="target uncompressed size in MiB (default 1024)")
    ap.add_argument("--sar-fraction", type=float, default=0.05, help="fraction of lines that are kubelet reviews (default 0.05)")
    ap.add_argument("--node-proxy-fraction", type=float, default=0.005, help="fraction of lines that are node-proxy events (default 0.005)")
    ap.add_argument("--decoy-fraction", type=float, default=0.0003,
                    help="fraction of decoy lines (default 0.0003, at least ~40 lines in small files; 0 = none)")
    ap.add_argument("--sar-request-received", type=float, default=0.2,
                    help="fraction of kubelet reviews that also have a RequestReceived line (default 0.2)")
    ap.add_argument("--malformed", type=int, default=3, help="truncated lines to insert (default 3)")
    ap.add_argument("--nodes", type=int, default=250, help="nodes in the cluster (default 250)")
    ap.add_argument("--hours", type=float, default=24, help="time span of the log (default 24)")
    ap.add_argument("--start", default="2026-11-27T00:00:00Z", help="first timestamp (default 2026-11-27T00:00:00Z)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gzip", action="store_true", help="also write FILE.gz (gzip -6, deterministic header)")
    ap.add_argument("--self-check", action="store_true",
                    help="afterwards, decode every line with the json module and compare with the expected counts (slow)")
    a = ap.parse_args()
    if not (0 <= a.sar_fraction < 1 and 0 <= a.node_proxy_fraction < 1 and a.sar_fraction + a.node_proxy_fraction < 0.9):
        ap.error("fractions must be in [0, 1) and leave room for the bulk traffic")
    if a.size_mb <= 0 or a.nodes < 1 or a.malformed < 0 or a.hours <= 0:
        ap.error("--size-mb, --nodes, --hours must be positive, --malformed >= 0")
    if a.nodes > 63 * 253:
        # Node addresses are 10.42.<1-63>.<2-254>, each used once: more nodes would never finish.
        ap.error("--nodes can be at most %d" % (63 * 253))
    a.start_epoch = calendar.timegm(time.strptime(a.start, "%Y-%m-%dT%H:%M:%SZ"))

    out = a.output
    gz_only = out.endswith(".gz")
    plain_path = None if gz_only else out
    gz_path = out if gz_only else (out + ".gz" if a.gzip else None)
    d = os.path.dirname(os.path.abspath(out))
    os.makedirs(d, exist_ok=True)

    t0 = time.perf_counter()
    g = Generator(a)
    w = Writer(plain_path + ".tmp" if plain_path else None, gz_path + ".tmp" if gz_path else None, 6)
    try:
        g.run(w)
    finally:
        w.close()
    if plain_path:
        os.replace(plain_path + ".tmp", plain_path)
    if gz_path:
        os.replace(gz_path + ".tmp", gz_path)
    secs = time.perf_counter() - t0
    e = g.expected()
    e["seed"] = a.seed
    e["args"] = {"sizeMB": a.size_mb, "sarFraction": a.sar_fraction, "nodeProxyFraction": a.node_proxy_fraction,
                 "decoyFraction": a.decoy_fraction, "sarRequestReceived": a.sar_request_received, "malformed": a.malformed,
                 "nodes": a.nodes, "hours": a.hours, "start": a.start}
    if gz_path:
        e["gzipBytes"] = os.path.getsize(gz_path)
    with open(out + ".expected.json", "w") as f:
        json.dump(e, f, indent=2)
        f.write("\n")
    if gz_path and plain_path:
        with open(gz_path + ".expected.json", "w") as f:
            json.dump(e, f, indent=2)
            f.write("\n")

    err = sys.stderr
    print("wrote %s: %d bytes (%.1f MB), %d lines in %.1f s (%.0f MB/s)%s" % (
        out, e["bytes"], e["bytes"] / 1e6, e["lines"], secs, e["bytes"] / 1e6 / secs,
        ", gzip %s: %d bytes" % (gz_path, e["gzipBytes"]) if gz_path and plain_path else ""), file=err)
    print("kubelet SAR lines: %d (%.2f%% of lines; %d with a RequestReceived copy), unique kubelet reviews: %d "
          "(allowed %d, denied %d), kubelet requests: %d, fallback pairs: %d (by the 1 s rule: %d)" % (
              e["kubeletReviewLines"], 100.0 * e["kubeletReviewLines"] / max(1, e["lines"]), e["kubeletRequestReceivedLines"],
              e["kubeletReviews"], e["kubeletAllowed"], e["kubeletDenied"], e["kubeletRequests"], e["fallbackPairs"],
              e["fallbackAllowed"]), file=err)
    print("node-proxy lines: %d (%.2f%%), requests: %d (allowed %d, denied %d); decoy lines: %d; lines with a needle: %d" % (
        e["nodeProxyLines"], 100.0 * e["nodeProxyLines"] / max(1, e["lines"]), e["nodeProxyRequests"], e["nodeProxyAllowed"],
        e["nodeProxyDenied"], e["decoyLines"], e["candidateLines"]), file=err)
    print("malformed (truncated) lines: %d at line %s" % (e["malformed"], ", ".join(map(str, e["malformedLines"])) or "-"),
          file=err)
    print("expected counts: %s.expected.json" % out, file=err)
    if a.self_check:
        ok = self_check(plain_path or gz_path, e)
        print("self-check: %s" % ("OK" if ok else "MISMATCH"), file=err)
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
