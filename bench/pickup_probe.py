# Enqueues one record at a time through one replica and times its arrival at a local receiver.
# Usage: pickup_probe.py <admin base URL> <label> <count>  (see pickup-latency.sh)
import http.server, threading, time, json, urllib.request, statistics, sys
received = {}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        t = time.monotonic()
        n = int(self.headers.get('Content-Length', 0)); self.rfile.read(n)
        received.setdefault(self.headers.get('X-Payload-Id'), t)
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 19100), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
A = sys.argv[1]; label = sys.argv[2]; N = int(sys.argv[3])
def call(method, path, body=None):
    req = urllib.request.Request(A + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={'Authorization': 'Bearer bench-token', 'Content-Type': 'application/json'})
    return json.load(urllib.request.urlopen(req))
rid = call('POST', '/api/v1/repeaters', {'domain': 'pickup', 'name': label, 'url': 'http://127.0.0.1:19100/hook', 'batchSize': 7})['id']
lat = []
for i in range(N):
    pid = f'{label}-{i}'
    call('POST', f'/api/v1/repeaters/{rid}/records', [{'payloadId': pid, 'payload': {'i': i}}])
    t1 = time.monotonic()
    while pid not in received:
        time.sleep(0.001)
        if time.monotonic() - t1 > 10: raise SystemExit('not delivered: ' + pid)
    lat.append((received[pid] - t1) * 1000)
    time.sleep(0.05)
lat.sort()
print(f'{label}: n={N} p50={statistics.median(lat):.1f} ms p99={lat[int(len(lat)*0.99)-1]:.1f} ms max={lat[-1]:.1f} ms')
