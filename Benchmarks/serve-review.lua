-- wrk script for the authorization webhook peak (docs/BENCHMARKS.md): one kubelet SubjectAccessReview, POSTed on keep-alive connections.
-- wrk -t1 -c32 -d6s -s Benchmarks/serve-review.lua https://127.0.0.1:PORT/authorize
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"proxy","name":"gpu-node-1"},"user":"system:serviceaccount:monitoring:netdata","groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],"uid":"6f1b2a3c-0000-4000-8000-000000000001"},"status":{"allowed":false}}'
done = function(summary, latency, requests)
  io.write(string.format("wrk: errors connect=%d read=%d write=%d status=%d timeout=%d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
