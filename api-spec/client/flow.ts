// A front end's clinic workflow, typed only by what openapi-typescript generates from api-spec/openapi.json
// (schema.d.ts, regenerated on every check). If the API changes a field a front end relies on, this stops
// compiling: register a patient, screen, enrol, book a series, record outcomes, fetch a trajectory and a
// cohort report. It is compiled, not run (tsc --noEmit).
import type { paths } from "./schema";

type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer R } } };
}
  ? R
  : never;

type ProblemOf<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/problem+json": infer R } } };
}
  ? R
  : never;

async function call<T>(token: string, method: string, url: string, body?: unknown, ifMatch?: string): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  if (ifMatch) headers["If-Match"] = ifMatch;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = (await response.json()) as ProblemOf<"/patients", "post", 400>;
    throw new Error(`${problem.status ?? response.status}: ${problem.detail ?? problem.title ?? "request failed"}`);
  }
  return (await response.json()) as T;
}

export async function intakeToReports(base: string, frontDesk: string, therapist: string, manager: string, therapistId: string): Promise<string> {
  const registration: Body<"/patients", "post"> = {
    medicalRecordNumber: "MRN-0001",
    givenName: "Ada",
    familyName: "Lovelace",
    dateOfBirth: "1980-02-03",
    sex: "female",
    painDurationWeeks: 20,
    consentToDeidentifiedReporting: true,
  };
  const patient = await call<Answer<"/patients", "post", 201>>(frontDesk, "POST", `${base}/patients`, registration);
  const patientId: string = patient.id;

  const screening: Body<"/patients/{id}/screenings", "post"> = { answers: [1, 1, 0, 1, 1, 1, 1, 0, 4] };
  const screened = await call<Answer<"/patients/{id}/screenings", "post", 201>>(therapist, "POST", `${base}/patients/${patientId}/screenings`, screening);
  const suggestedArm: string = screened.suggestion.armId;
  const risk: "low" | "medium" | "high" = screened.risk;

  const enrolment: Body<"/episodes", "post"> = {
    patientId,
    armId: suggestedArm,
    primaryTherapistId: therapistId,
    startDate: "2027-03-01",
    referralReason: `GP referral (STarT Back ${risk} risk)`,
  };
  const episode = await call<Answer<"/episodes", "post", 201>>(therapist, "POST", `${base}/episodes`, enrolment);

  const series: Body<"/episodes/{id}/series", "post"> = { weekdays: ["monday", "thursday"], startTime: "09:00", weeks: 6, skipConflicts: false };
  const booked = await call<Answer<"/episodes/{id}/series", "post", 201>>(frontDesk, "POST", `${base}/episodes/${episode.id}/series`, series);
  const firstSession: string = booked.created[0].localStart;

  const baseline: Body<"/patients/{id}/measurements", "post"> = { instrument: "pain-nrs", takenAt: "2027-03-01T09:00:00Z", score: 6 };
  await call<Answer<"/patients/{id}/measurements", "post", 201>>(therapist, "POST", `${base}/patients/${patientId}/measurements`, baseline);
  const odi: Body<"/patients/{id}/measurements", "post"> = { instrument: "odi", takenAt: "2027-03-01T09:00:00Z", items: [2, 2, 2, 2, 2, 2, 2, 2, 4, null] };
  const scored = await call<Answer<"/patients/{id}/measurements", "post", 201>>(therapist, "POST", `${base}/patients/${patientId}/measurements`, odi);
  const timepoint: string = scored.timepoint;

  const trajectory = await call<Answer<"/patients/{id}/trajectory", "get", 200>>(therapist, "GET", `${base}/patients/${patientId}/trajectory?instrument=pain-nrs`);
  const classification: string = trajectory.classification;
  const evidence: string[] = trajectory.reference.evidenceIds;

  const cohort = await call<Answer<"/reports/cohort", "get", 200>>(manager, "GET", `${base}/reports/cohort?instrument=pain-nrs`);
  const verdicts: string[] = cohort.comparisons.map((c) => `${c.armCode} ${c.timepoint}: ${c.verdict}`);

  return [firstSession, timepoint, classification, evidence.join(","), ...verdicts].join("\n");
}
