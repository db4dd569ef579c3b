// app/api/health/route.js: the load balancer's health check. It answers from this process alone, never
// calling Hasura, so a Hasura outage does not take the Next.js tasks out of service as well.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
