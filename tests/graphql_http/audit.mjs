// graphql-http's server audits (GraphQL over HTTP conformance) against a running server.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON line: {"ok": n, "warn": n, "error": n, "problems": [{id, name, status, reason}]}.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
const problems = [];
for (const result of results) {
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    problems.push({ id: result.id, name: result.name, status: result.status, reason: result.reason });
  }
}
console.log(JSON.stringify({ ...counts, problems }));
