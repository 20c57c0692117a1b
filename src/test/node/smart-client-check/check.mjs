// Usage: node check.mjs <fhir-base-url> <client-id> <client-secret> <scope> <ResourceType/id>
// Prints one JSON line: where the token came from and what was read. Exits non-zero on any failure.
import { Client } from 'fhir-kit-client';

const [baseUrl, clientId, clientSecret, scope, reference] = process.argv.slice(2);
if (!reference) {
  console.error('usage: node check.mjs <fhir-base-url> <client-id> <client-secret> <scope> <ResourceType/id>');
  process.exit(2);
}

const client = new Client({ baseUrl });
const { tokenUrl } = await client.smartAuthMetadata();
if (!tokenUrl) throw new Error('no token endpoint discovered');

const response = await fetch(tokenUrl, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64'),
  },
  body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
});
const token = await response.json();
if (!response.ok) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(token)}`);

client.bearerToken = token.access_token;
const [resourceType, id] = reference.split('/');
const resource = await client.read({ resourceType, id });
console.log(JSON.stringify({ tokenUrl: tokenUrl.href, scope: token.scope, resourceType: resource.resourceType, id: resource.id }));
