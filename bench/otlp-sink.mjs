#!/usr/bin/env node
// An OTLP/HTTP endpoint that keeps nothing: answers 200 (an empty ExportTraceServiceResponse) to
// every POST, e.g. /v1/traces, and counts requests and bytes; GET /_stats answers the counts as
// JSON, POST /_reset zeroes them. Scenario 9 (bench/run.sh) points the traced service at it, so
// spans are really serialized and sent, and the figure holds what an exporter costs the service.
//   node bench/otlp-sink.mjs --port 19394
import http from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 4318);
let stats = { requests: 0, bytes: 0, paths: {} };
http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/_stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  if (req.method === 'POST' && req.url === '/_reset') {
    stats = { requests: 0, bytes: 0, paths: {} };
    res.writeHead(204).end();
    return;
  }
  let bytes = 0;
  req.on('data', c => { bytes += c.length; });
  req.on('end', () => {
    stats.requests++;
    stats.bytes += bytes;
    stats.paths[req.url] = (stats.paths[req.url] || 0) + 1;
    const json = String(req.headers['content-type'] || '').includes('json');
    res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
}).listen(port, '127.0.0.1', () => console.error(`otlp sink on 127.0.0.1:${port}`));
