// The Standard Webhooks reference verifier (npm: standardwebhooks) as a filter for the signing
// tests: reads a JSON array of checks on stdin, writes a JSON array of answers, one per check, in
// order. Nothing of ours is used to verify: what passes here passes for any receiver using the
// reference library.
//
//   {"op": "verify", "secret": "whsec_...", "body": "<exactly the bytes received, as UTF-8 text>",
//    "headers": {"webhook-id": ..., "webhook-timestamp": ..., "webhook-signature": ...}}
//      -> {"ok": true} or {"ok": false, "error": "<the library's message>"}
//   {"op": "sign", "secret": "whsec_...", "id": "...", "timestamp": <seconds>, "body": "..."}
//      -> {"ok": true, "signature": "v1,<base64>"}
//
// Run by hand: echo '[...]' | node src/test/webhook-verifier/verify.mjs
// Needs `npm ci` in this folder first (bin/test does it).
import { Webhook } from "standardwebhooks";

const input = await new Promise((resolve, reject) => {
  const chunks = [];
  process.stdin.on("data", (c) => chunks.push(c));
  process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  process.stdin.on("error", reject);
});

const answers = JSON.parse(input).map((check) => {
  try {
    const webhook = new Webhook(check.secret);
    if (check.op === "sign") {
      return { ok: true, signature: webhook.sign(check.id, new Date(check.timestamp * 1000), check.body) };
    }
    webhook.verify(check.body, check.headers);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(answers));
