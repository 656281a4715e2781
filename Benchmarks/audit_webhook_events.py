#!/usr/bin/env python3
"""The events an API server's audit webhook backend sends with the audit policy rules that
`kubelet-authz serve --print-config` writes (Sources/KubeletAuthzApp/ServeAuditPolicyRules.swift)
as the whole policy: kubelet SubjectAccessReviews (create subjectaccessreviews in
authorization.k8s.io by a member of system:nodes) at RequestResponse, and node proxy
(nodes/proxy in the core group) at Metadata, both without the RequestReceived stage. Every other
event of the input is one the policy does not log.

    audit_webhook_events.py INPUT.jsonl OUTPUT.jsonl --batch-size 400 --batches 20

INPUT is a log from generate_audit_log.py (the same event shapes as a real v1.36 log backend);
OUTPUT gets the first BATCHES * BATCH_SIZE selected events, unchanged, one per line (fewer
whole batches if the input runs out; the count is printed). Standard library only.
"""
import argparse
import json
import sys


def logged(event):
    """The print-config policy's two rules (first match wins; the rest of the events: None)."""
    if event.get("stage") == "RequestReceived":
        return False
    ref = event.get("objectRef") or {}
    groups = (event.get("user") or {}).get("groups") or []
    if (ref.get("apiGroup") == "authorization.k8s.io" and ref.get("resource") == "subjectaccessreviews"
            and event.get("verb") == "create" and "system:nodes" in groups):
        return True
    return ref.get("apiGroup", "") == "" and ref.get("resource") == "nodes" and ref.get("subresource") == "proxy"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--batch-size", type=int, default=400)
    ap.add_argument("--batches", type=int, default=20)
    a = ap.parse_args()
    want = a.batch_size * a.batches
    kept = []
    with open(a.input, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                event = json.loads(line)
            except ValueError:
                continue  # the generator's truncated lines: not events the API server sends
            if logged(event):
                kept.append(line if line.endswith(b"\n") else line + b"\n")
                if len(kept) == want:
                    break
    whole = len(kept) - len(kept) % a.batch_size
    if whole == 0:
        sys.exit(f"audit_webhook_events.py: {a.input}: {len(kept)} events the policy logs, fewer than one batch")
    with open(a.output, "wb") as out:
        out.writelines(kept[:whole])
    print(f"{whole} events ({whole // a.batch_size} batches of {a.batch_size}): "
          f"kubelet SubjectAccessReviews and node proxy as the print-config policy logs them", file=sys.stderr)


if __name__ == "__main__":
    main()
