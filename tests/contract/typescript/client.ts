// A TypeScript client of the Stint REST API, typed by nothing but the OpenAPI document: the
// contract test (tests/contract/test_typescript_client.py) generates ./schema.d.ts from the
// gateway's document with openapi-typescript, next to a copy of this file, and compiles both
// with `tsc --strict`. No runtime dependencies: `fetch` is the platform's.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Payout = Schemas["stint.payouts.v1.Payout"];

// A tiny typed fetch: the path template and method pick the operation; its path parameters,
// query, headers and JSON body are checked, and the answer is its success response.
type Method = "get" | "post" | "put" | "patch" | "delete";
type MethodOf<P extends keyof paths> = {
  [M in Method]: paths[P][M] extends undefined ? never : M;
}[Method];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type ParamsOf<O> = O extends { parameters: infer T } ? T : never;
type PathOf<O> = ParamsOf<O> extends { path: infer T } ? { path: T } : { path?: never };
// A body the operation may go without (`{}` is a valid one) is optional; a required one is not.
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? { body?: B }
    : { body?: never };
type Init<O> = PathOf<O> &
  BodyOf<O> & {
    query?: ParamsOf<O> extends { query?: infer Q } ? Q : never;
    headers?: ParamsOf<O> extends { header?: infer H } ? H : never;
  };
type Json<R> = R extends { content: { "application/json": infer T } } ? T : void;
type Success<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 204>]> : never;

interface RawInit {
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(`${status} ${problem.code}: ${problem.detail ?? problem.title}`);
  }
}

export class StintClient {
  constructor(private readonly baseUrl: string, private readonly token: string) {}

  call<P extends keyof paths, M extends MethodOf<P>>(
    method: M,
    path: P,
    init: Init<Operation<P, M>>,
  ): Promise<Success<Operation<P, M>>> {
    return this.send(method, path, init as RawInit) as Promise<Success<Operation<P, M>>>;
  }

  private async send(method: string, template: string, init: RawInit): Promise<unknown> {
    const path = template.replace(/{(\w+)}/g, (_, name: string) => {
      const value = init.path?.[name];
      if (value === undefined) throw new Error(`${template}: no ${name}`);
      return encodeURIComponent(value);
    });
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers({ Authorization: `Bearer ${this.token}` });
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }
    let body: string | undefined;
    if (init.body !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(init.body);
    }
    const response = await fetch(url, { method: method.toUpperCase(), headers, body });
    if (!response.ok) throw new ApiError(response.status, (await response.json()) as Problem);
    return response.status === 204 ? undefined : response.json();
  }
}

// The services learn of each other's changes through events: a step may have to wait for one.
async function eventually<T>(what: string, step: () => Promise<T>, done = (_: T) => true): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const value = await step();
      if (done(value)) return value;
    } catch (error) {
      if (!(error instanceof ApiError) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// `string`, not `string | undefined`: these compile only while the responses require the ids.
function required(what: string, id: string): string {
  if (id === "") throw new Error(`${what} without an id`);
  return id;
}

const DAY = 24 * 60 * 60 * 1000;

/** A whole micro-internship: the employer posts and hires, the student delivers, is paid. */
export async function internship(baseUrl: string, employerToken: string, studentToken: string): Promise<Payout> {
  const employer = new StintClient(baseUrl, employerToken);
  const student = new StintClient(baseUrl, studentToken);
  const draft = await employer.call("post", "/v1/postings", {
    body: {
      title: "Market sizing for a student coffee subscription",
      summary: "Estimate the market for a student coffee subscription.",
      description: "Use public data; deliver a short report.",
      category: "CATEGORY_MARKET_RESEARCH",
      skills: ["market-research", "excel"],
      estimated_hours: 12,
      fee: { amount_minor: "60000", currency: "USD" },
      positions: 1,
      application_deadline: new Date(Date.now() + 3 * DAY).toISOString(),
      due_date: new Date(Date.now() + 14 * DAY).toISOString(),
      acceptance_criteria: ["A 5-page report with sources"],
      ai_policy: "AI_POLICY_ALLOWED",
      visibility: "VISIBILITY_PUBLIC",
    },
  });
  const posting_id = required("posting", draft.id);
  const open = await employer.call("post", "/v1/postings/{posting_id}/publish", {
    path: { posting_id },
    body: { expected_version: draft.version },
  });
  if (open.status !== "POSTING_STATUS_OPEN") throw new Error(`posting is ${open.status}`);

  const applied = await eventually("the posting to open for applications", () =>
    student.call("post", "/v1/postings/{posting_id}/applications", {
      path: { posting_id },
      body: { pitch: "I ran a survey of 400 students last term.", links: [] },
    }),
  );
  const application_id = required("application", applied.id);
  await employer.call("post", "/v1/applications/{application_id}/shortlist", {
    path: { application_id },
    body: {},
  });
  // Money in: the company's card is charged into escrow at hire; the work starts once funded.
  const method = await employer.call("put", "/v1/me/funding-method", {
    body: { kind: "FUNDING_METHOD_KIND_CARD", token: "tok_card_4242", currency: "USD" },
  });
  if (method.token_hint === undefined) throw new Error("no funding method");
  const hired = await employer.call("post", "/v1/applications/{application_id}/hire", {
    path: { application_id },
    body: {},
    headers: { "Idempotency-Key": `hire-${application_id}` },
  });
  if (hired.application?.status !== "APPLICATION_STATUS_HIRED") throw new Error("not hired");

  const mine = await eventually(
    "the engagement",
    () => student.call("get", "/v1/me/engagements", { query: { page_size: 100 } }),
    (page) =>
      page.engagements.some(
        (e) => e.application_id === application_id && e.status === "ENGAGEMENT_STATUS_ACTIVE",
      ),
  );
  const engagement = mine.engagements.find((e) => e.application_id === application_id);
  if (engagement === undefined) throw new Error("no engagement");
  const engagement_id = required("engagement", engagement.id);
  await student.call("post", "/v1/engagements/{engagement_id}/submissions", {
    path: { engagement_id },
    body: {
      note: "Report attached.",
      artifacts: [{ name: "report.pdf", url: "https://files.example/r.pdf", sha256: "a".repeat(64) }],
    },
  });
  await employer.call("post", "/v1/engagements/{engagement_id}/approve", {
    path: { engagement_id },
    body: { submission_number: 1, feedback: "Clear and well sourced." },
  });

  const payouts = await eventually(
    "the payout",
    () => student.call("get", "/v1/me/payouts", {}),
    (page) => page.payouts.some((p) => p.engagement_id === engagement_id),
  );
  const listed = payouts.payouts.find((p) => p.engagement_id === engagement_id);
  if (listed === undefined) throw new Error("no payout");
  const payout = await student.call("get", "/v1/payouts/{payout_id}", {
    path: { payout_id: required("payout", listed.id) },
  });
  const amount = payout.amount === undefined ? "nothing" : `${payout.amount.amount_minor} ${payout.amount.currency}`;
  console.log(`payout ${required("payout", payout.id)}: ${payout.status}, ${amount}`);
  return payout;
}
