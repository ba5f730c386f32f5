// A front end's whole clinic workflow, typed only by what openapi-typescript generates from api-spec/openapi.json
// (schema.d.ts) and sent with openapi-fetch through Stoplight Prism in validating proxy mode (--errors), by
// .ci/contract.sh. If the API changes a field a front end relies on, this stops compiling; if the server answers
// something the spec does not allow, Prism says so and this exits non-zero, listing each violation.
//
// Two phases, because attendance can be recorded only after a session's start and booking refuses the past:
//   book   - staff, intake, screening, enrolment (direct and through a study), a protocol series, a booking,
//            measurements with a CSV import and an amendment, and the error answers; writes the ids to <state>.
//   attend - run after the API was restarted on the same database with Clinic:ClockOffset moved forward by
//            <offset days> (time has passed): attendance and a no-show, end-of-treatment outcomes, trajectory,
//            worklist, reports, exports and the audit trail.
// Prints ids and status codes only: never a body (patients' names and birth dates travel in them).
//
// Usage: node workflow.js <book|attend> <proxy url> <request-unvalidated proxy url> <tap url> <state file> [offset days]
import { readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

const [phase, proxyUrl, lenientUrl, tapUrl, stateFile, offsetArg] = process.argv.slice(2);
if ((phase !== "book" && phase !== "attend") || !proxyUrl || !lenientUrl || !tapUrl || !stateFile) {
  console.error("usage: node workflow.js <book|attend> <proxy url> <request-unvalidated proxy url> <tap url> <state file> [offset days]");
  process.exit(2);
}
const offsetDays = Number(offsetArg ?? "0");

// ---------------------------------------------------------------------------------------------------------------
// What Prism said. Prism sets `sl-violations` (a JSON list) on every answer with a request or response violation;
// with --errors it answers a response violation with its own 500 problem (type .../prism/errors#VIOLATIONS,
// `validation` listing them) and refuses an invalid request with its own 422 or 401 without forwarding it.

interface Violation {
  location: string;
  severity: string;
  message: string;
}

let findings = 0;
const printed = new Set<string>();
/** Counts every finding and prints each distinct one once per phase. */
const finding = (line: string): void => {
  findings++;
  if (!printed.has(line)) console.log(line);
  printed.add(line);
};
/** Array indices as [*] (response.body.created.3.cancelledBy -> response.body.created[*].cancelledBy): one line
 * per place in the schema, not per element. */
const schemaPlace = (text: string): string =>
  text.replace(/(?<=[A-Za-z_\]])\.\d+(?=[. ]|$)/g, "[*]").replace(/(^| )\d+(?=\.[A-Za-z_]|\[)/g, "$1[*]");

/** Prism's violation list (header or problem `validation`), read field by field: Prism's JSON, not the API's. */
function violationsIn(json: string, member?: "validation"): Violation[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  const list: unknown = member && typeof parsed === "object" && parsed !== null && member in parsed ? parsed[member] : parsed;
  if (!Array.isArray(list)) return undefined;
  const items: unknown[] = list;
  return items.map((item) => {
    const field = (name: string): unknown => (typeof item === "object" && item !== null && name in item ? Object.entries(item).find(([k]) => k === name)?.[1] : undefined);
    const location = field("location");
    return {
      location: schemaPlace(Array.isArray(location) ? location.join(".") : ""),
      severity: String(field("severity") ?? ""),
      message: schemaPlace(String(field("message") ?? "")),
    };
  });
}

const prismProblem = /"type"\s*:\s*"https:\/\/stoplight\.io\/prism\/errors#([A-Z_]+)"/;

/** Watches every answer: records Prism's violations and errors and, where Prism replaced the API's answer, hands
 * the workflow the API's own answer from the tap so that the next steps (and their violations) still run. */
const watch: Middleware = {
  onRequest({ request, id }) {
    request.headers.set("X-Gate-Request", id);
    return request;
  },
  async onResponse({ request, response, schemaPath, id }) {
    const operation = `${request.method}\t${schemaPath}`;
    const header = response.headers.get("sl-violations");
    const text = (response.headers.get("content-type") ?? "").includes("problem+json") ? await response.clone().text() : "";
    const kind = prismProblem.exec(text)?.[1];
    // The header lists request and response violations but is cut at 8 KiB; Prism's own problem lists the
    // errors that made it answer (and is all there is when it refused the request).
    const listed = (header ? violationsIn(header) : undefined) ?? (kind ? violationsIn(text, "validation") : undefined);
    if (header && !listed) finding(`VIOLATION\t${operation}\t-\t-\tsl-violations header unreadable (cut: too many violations)`);
    for (const v of listed ?? []) finding(`VIOLATION\t${operation}\t${v.location}\t${v.severity}\t${v.message}`);
    if (!kind) return response;
    finding(`PRISM-ERROR\t${operation}\t${response.status}\t${kind}`);
    if (kind !== "VIOLATIONS") return response;
    const kept = await fetch(`${tapUrl}/__gate/${encodeURIComponent(id)}`);
    if (kept.headers.get("x-gate-kept") !== "1") return response;
    const body = kept.status === 204 || kept.status === 304 ? null : await kept.arrayBuffer();
    return new Response(body, { status: kept.status, headers: kept.headers });
  },
};

/** A placeholder If-Match that the middleware below removes before the request leaves: the 428 case. */
const withoutIfMatch = "strip-me";
const stripIfMatch: Middleware = {
  onRequest({ request }) {
    if (request.headers.get("If-Match") === withoutIfMatch) request.headers.delete("If-Match");
    return request;
  },
};

/** JSON answers (application/json, application/problem+json); the CSV and SVG ones are read with parseAs: "text". */
type Json = `${string}/${string}json`;

/** A client for one role's token (or none); `lenient` goes through the proxy that does not validate requests. */
function clientFor(token: string | undefined, lenient = false): Client<paths, Json> {
  const client = createClient<paths, Json>({
    baseUrl: lenient ? lenientUrl : proxyUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
  client.use(watch);
  client.use(stripIfMatch);
  return client;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps: each prints its status; a wrong status is a failure, and a step whose result the next ones need stops
// the phase when it has none.

let failures = 0;

class Stop extends Error {}

function expect<R extends { response: Response }>(step: string, want: number, result: R, ids = ""): R {
  const got = result.response.status;
  console.log(`${got === want ? "ok  " : "FAIL"} ${got} ${step}${got === want ? "" : ` (expected ${want})`}${ids ? ` ${ids}` : ""}`);
  if (got !== want) failures++;
  return result;
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Stop(`no ${what}`);
  return value;
}

/** The spec declares no ETag header: read it off the raw answer. */
const etagOf = (result: { response: Response }, what: string): string => need(result.response.headers.get("ETag"), `ETag of ${what}`);

const day = 86_400_000;
/** The clinic's wall-calendar date (Clinic:TimeZone is Europe/London) of an instant. */
const clinicDate = (instant: Date): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T12:00:00Z`) + days * day).toISOString().slice(0, 10);
const weekday = (date: string): number => new Date(`${date}T12:00:00Z`).getUTCDay();
/** The first given weekday (0 = Sunday) strictly after a date. */
const nextWeekday = (date: string, target: number): string => addDays(date, ((target - weekday(date) + 6) % 7) + 1);

async function tokens(therapistSubject: string) {
  const anonymous = clientFor(undefined);
  const token = async (role: Schemas["IssueDevelopmentTokenRequest"]["role"], subject?: string): Promise<string> => {
    const result = expect(`POST /auth/dev-token (${role})`, 200, await anonymous.POST("/auth/dev-token", { body: { role, subject } }));
    return need(result.data, `${role} token`).accessToken;
  };
  const [admin, frontDesk, manager, therapist] = [await token("admin"), await token("frontdesk"), await token("manager"), await token("therapist", therapistSubject)];
  return {
    admin: clientFor(admin),
    frontDesk: clientFor(frontDesk),
    manager: clientFor(manager),
    therapist: clientFor(therapist),
    lenientTherapist: clientFor(therapist, true),
    lenientFrontDesk: clientFor(frontDesk, true),
  };
}

// ---------------------------------------------------------------------------------------------------------------

async function book(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const subject = randomUUID();
  const { admin, frontDesk, manager, therapist, lenientTherapist, lenientFrontDesk } = await tokens(subject);
  const now = new Date();
  const today = clinicDate(now);

  expect("GET /instruments", 200, await therapist.GET("/instruments"));
  expect("GET /evidence", 200, await therapist.GET("/evidence"));
  const arms = need(expect("GET /arms", 200, await frontDesk.GET("/arms")).data, "arms");
  const armId = (code: string): string => need(arms.find((a) => a.code === code), `arm ${code}`).id;

  // Staff: a therapist who holds every competency, linked to the therapist token's subject, working Mon-Fri.
  const competencies: Schemas["Competency"][] = [
    "exercise-therapy", "individualised-exercise", "cognitive-behavioural-therapy", "pain-education", "behavioural-therapy",
  ];
  const created = expect("POST /therapists", 201, await admin.POST("/therapists", {
    body: { givenName: "Sam", familyName: "Physio", registrationNumber: `PH-${run}`, competencies, userId: subject },
  }));
  const therapistId = need(created.data, "therapist").id;
  const hours = expect("GET /therapists/{id}/working-hours", 200, await admin.GET("/therapists/{id}/working-hours", { params: { path: { id: therapistId } } }));
  const weekdays: Schemas["DayOfWeek"][] = ["monday", "tuesday", "wednesday", "thursday", "friday"];
  expect("PUT /therapists/{id}/working-hours", 200, await admin.PUT("/therapists/{id}/working-hours", {
    params: { path: { id: therapistId }, header: { "If-Match": etagOf(hours, "working hours") } },
    body: { ranges: weekdays.map((weekday) => ({ weekday, startsAt: "08:00", endsAt: "18:00" })) },
  }));
  expect("GET /therapists", 200, await frontDesk.GET("/therapists", { params: { query: { competency: "exercise-therapy", limit: 5 } } }));

  // Intake: the front desk registers two patients (unique record numbers, so a second run on the same database works).
  const registration = (n: number): Schemas["PatientDetails"] => ({
    medicalRecordNumber: `MRN-${run}-${n}`, givenName: "Ada", familyName: `Lovelace${n}`, dateOfBirth: "1980-02-03",
    sex: "female", painDurationWeeks: 20, consentToDeidentifiedReporting: true,
  });
  const patient = need(expect("POST /patients", 201, await frontDesk.POST("/patients", { body: registration(1) })).data, "patient").id;
  const studyPatient = need(expect("POST /patients", 201, await frontDesk.POST("/patients", { body: registration(2) })).data, "patient").id;
  const lowRiskPatient = need(expect("POST /patients", 201, await frontDesk.POST("/patients", { body: registration(5) })).data, "patient").id;
  const found = expect("GET /patients?mrn=", 200, await frontDesk.GET("/patients", { params: { query: { mrn: `MRN-${run}-1` } } }));
  if (!need(found.data, "patient page").items.some((p) => p.id === patient)) finding(`FAIL\tGET /patients?Mrn= does not find ${patient}`);
  expect("GET /patients?Search=", 200, await frontDesk.GET("/patients", { params: { query: { search: "lovelace", limit: 5 } } }));

  // Optimistic concurrency: an update with the current ETag, then the same (now stale) ETag again: 412.
  const read = expect("GET /patients/{id}", 200, await frontDesk.GET("/patients/{id}", { params: { path: { id: patient } } }), `patient=${patient}`);
  const firstTag = etagOf(read, "patient");
  const changed = { ...registration(1), phone: "+44 20 7946 0000" };
  expect("PUT /patients/{id}", 200, await frontDesk.PUT("/patients/{id}", { params: { path: { id: patient }, header: { "If-Match": firstTag } }, body: changed }));
  expect("PUT /patients/{id} with a stale If-Match", 412, await frontDesk.PUT("/patients/{id}", { params: { path: { id: patient }, header: { "If-Match": firstTag } }, body: changed }));

  // Screening (STarT Back) and enrolment in the suggested arm, with the therapist as primary therapist.
  const screening = need(expect("POST /patients/{id}/screenings", 201, await therapist.POST("/patients/{id}/screenings", {
    params: { path: { id: patient } }, body: { answers: [1, 1, 0, 1, 1, 1, 1, 0, 4] },
  })).data, "screening");
  const risk: Schemas["StartBackRisk"] = screening.risk;
  expect("POST /patients/{id}/screenings", 201, await therapist.POST("/patients/{id}/screenings", {
    params: { path: { id: studyPatient } }, body: { answers: [0, 1, 0, 0, 1, 1, 1, 0, 3] },
  }));
  expect("GET /patients/{id}/screenings", 200, await therapist.GET("/patients/{id}/screenings", { params: { path: { id: patient } } }));
  const episode = need(expect("POST /episodes", 201, await therapist.POST("/episodes", {
    body: { patientId: patient, armId: screening.suggestion.armId, primaryTherapistId: therapistId, startDate: today, referralReason: `GP referral (STarT Back ${risk} risk)` },
  })).data, "episode").id;
  expect("GET /episodes/{id}", 200, await therapist.GET("/episodes/{id}", { params: { path: { id: episode } } }), `episode=${episode}`);
  // A low-risk patient in the arm suggested for them, with a baseline only: the reports then hold an arm that has
  // no end-of-treatment outcome yet, whatever arm the study allocates below.
  const lowRisk = need(expect("POST /patients/{id}/screenings", 201, await therapist.POST("/patients/{id}/screenings", {
    params: { path: { id: lowRiskPatient } }, body: { answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] },
  })).data, "screening");
  expect("POST /episodes", 201, await therapist.POST("/episodes", {
    body: { patientId: lowRiskPatient, armId: lowRisk.suggestion.armId, primaryTherapistId: therapistId, startDate: today, referralReason: "GP referral" },
  }));

  // Study mode: the admin defines a comparison; the second (screened) patient is allocated by it.
  const study = need(expect("POST /studies", 201, await admin.POST("/studies", {
    body: { name: `Gate study ${run}`, armIds: [armId("physio"), armId("physio-cbt")], ratios: [1, 1], blockMultipliers: [1, 2] },
  })).data, "study").id;
  const allocation = need(expect("POST /studies/{id}/enrolments", 201, await therapist.POST("/studies/{id}/enrolments", {
    params: { path: { id: study } }, body: { patientId: studyPatient, primaryTherapistId: therapistId, startDate: today, referralReason: "GP referral" },
  })).data, "study enrolment");
  const studyEpisode = allocation.episode.id;
  expect("GET /studies/{id}", 200, await therapist.GET("/studies/{id}", { params: { path: { id: study } } }), `study=${study}`);
  expect("GET /studies", 200, await therapist.GET("/studies"));

  // The protocol series from next Monday (never in the past), then the same request again: the first answer.
  const firstMonday = nextWeekday(today, 1);
  const seriesBody: Schemas["CreateSeriesRequest"] = { weekdays: ["monday", "thursday"], startTime: "09:00", firstDate: firstMonday, skipConflicts: false };
  const key = `series-${episode}`;
  const series = need(expect("POST /episodes/{id}/series", 201, await frontDesk.POST("/episodes/{id}/series", {
    params: { path: { id: episode }, header: { "Idempotency-Key": key } }, body: seriesBody,
  })).data, "series");
  const replay = expect("POST /episodes/{id}/series (same Idempotency-Key)", 201, await frontDesk.POST("/episodes/{id}/series", {
    params: { path: { id: episode }, header: { "Idempotency-Key": key } }, body: seriesBody,
  }));
  if (replay.data && replay.data.seriesId !== series.seriesId) finding("FAIL\tthe retried series is not the first answer");
  const first = need(series.created[0], "first session of the series");

  // A single booking for the study patient in a free slot of the therapist's next Tuesday.
  const tuesday = nextWeekday(today, 2);
  const slots = need(expect("GET /therapists/{id}/free-slots", 200, await frontDesk.GET("/therapists/{id}/free-slots", {
    params: { path: { id: therapistId }, query: { from: tuesday, to: tuesday, durationMinutes: 45 } },
  })).data, "free slots");
  const slot = need(slots[0], "a free slot");
  const booking: Omit<Schemas["BookSessionRequest"], "startsAt"> = { patientId: studyPatient, therapistId, episodeId: studyEpisode, kind: "physiotherapy", durationMinutes: 45 };
  const single = need(expect("POST /sessions", 201, await frontDesk.POST("/sessions", {
    params: { header: { "Idempotency-Key": `booking-${studyEpisode}` } }, body: { ...booking, startsAt: slot.startsAt },
  })).data, "session");
  expect("GET /sessions/{id}", 200, await frontDesk.GET("/sessions/{id}", { params: { path: { id: single.id } } }), `session=${single.id}`);

  // Error answers whose requests the spec allows (so Prism validates the server's answer):
  expect("POST /sessions on the therapist's booked series slot", 409, await frontDesk.POST("/sessions", { body: { ...booking, startsAt: first.startsAt } }));
  const session = expect("GET /sessions/{id}", 200, await frontDesk.GET("/sessions/{id}", { params: { path: { id: first.id } } }));
  expect("POST /sessions/{id}/attended before its start", 422, await frontDesk.POST("/sessions/{id}/attended", {
    params: { path: { id: first.id }, header: { "If-Match": etagOf(session, "session") } },
  }));
  const tomorrow = new Date(now.getTime() + day).toISOString();
  expect("POST /patients/{id}/measurements taken in the future", 400, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: patient } }, body: { instrument: "pain-nrs", takenAt: tomorrow, score: 5 },
  }));
  expect("GET /patients with a token the API did not sign", 401, await clientFor("not-a-token").GET("/patients"));
  expect("GET /reports/cohort as front desk", 403, await frontDesk.GET("/reports/cohort"));
  expect("POST /therapists as therapist", 403, await therapist.POST("/therapists", { body: { givenName: "No", familyName: "Body", registrationNumber: `PH-${run}-x`, competencies } }));
  expect("GET /patients/{id} of no patient", 404, await frontDesk.GET("/patients/{id}", { params: { path: { id: randomUUID() } } }));

  // Outcomes: a total and item answers at baseline, a CSV import for the study patient, and one amendment.
  const minutesAgo = (m: number): string => new Date(now.getTime() - m * 60_000).toISOString();
  const baseline = need(expect("POST /patients/{id}/measurements (pain-nrs)", 201, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: patient } }, body: { instrument: "pain-nrs", takenAt: minutesAgo(5), score: 6 },
  })).data, "measurement");
  expect("POST /patients/{id}/measurements (pain-nrs, low risk)", 201, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: lowRiskPatient } }, body: { instrument: "pain-nrs", takenAt: minutesAgo(5), score: 4 },
  }));
  expect("POST /patients/{id}/measurements (odi items)", 201, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: patient } }, body: { instrument: "odi", takenAt: minutesAgo(5), items: [2, 2, 2, 2, 2, 2, 2, 2, 4, null] },
  }));
  const csv = [
    "medical_record_number,instrument,taken_at,score,items,episode_id",
    `MRN-${run}-2,pain-nrs,${minutesAgo(10)},7,,`,
    `MRN-${run}-2,odi,${minutesAgo(10)},,2;3;2;3;2;2;2;2;4;,`,
  ].join("\n");
  const imported = expect("POST /measurements/import (text/csv)", 201, await admin.POST("/measurements/import", {
    body: csv, headers: { "Content-Type": "text/csv" }, bodySerializer: (text) => text,
  }));
  if (imported.data && imported.data.imported !== 2) finding(`FAIL\tthe CSV import imported ${imported.data.imported} rows, not 2`);
  const measurement = expect("GET /measurements/{id}", 200, await therapist.GET("/measurements/{id}", { params: { path: { id: baseline.id } } }), `measurement=${baseline.id}`);
  const amendment = { score: 7, reason: "Transcribed from the paper form wrongly" };
  expect("POST /measurements/{id}/amend", 200, await therapist.POST("/measurements/{id}/amend", {
    params: { path: { id: baseline.id }, header: { "If-Match": etagOf(measurement, "measurement") } }, body: amendment,
  }));

  // Error answers to requests a front end gets wrong on purpose, through the proxy that does not validate
  // requests (a validating one would refuse them itself, and the server's answer would go unchecked).
  // The spec makes If-Match required, so the typed call carries one and a middleware takes it off the wire.
  expect("POST /measurements/{id}/amend without If-Match", 428, await lenientTherapist.POST("/measurements/{id}/amend", {
    params: { path: { id: baseline.id }, header: { "If-Match": withoutIfMatch } }, body: amendment,
  }));
  expect("POST /patients with an empty object", 400, await lenientFrontDesk.POST("/patients", { body: registration(3), bodySerializer: () => "{}" }));
  expect("POST /patients as text/plain", 415, await lenientFrontDesk.POST("/patients", {
    body: registration(4), headers: { "Content-Type": "text/plain" }, bodySerializer: (body) => JSON.stringify(body),
  }));
  expect("GET /reports/cohort as manager (before attendance)", 200, await manager.GET("/reports/cohort", { params: { query: { instrument: "pain-nrs" } } }));

  writeFileSync(stateFile, Object.entries({ subject, therapistId, patient, studyPatient, episode, studyEpisode, study }).map(([k, v]) => `${k} ${v}\n`).join(""));
}

// ---------------------------------------------------------------------------------------------------------------

async function attend(): Promise<void> {
  const state = new Map(readFileSync(stateFile, "utf8").split("\n").filter((l) => l).map((l): [string, string] => [l.split(" ")[0] ?? "", l.split(" ")[1] ?? ""]));
  const get = (name: string): string => need(state.get(name), `${name} in ${stateFile}`);
  const [therapistId, patient, episode, studyEpisode, study] = ["therapistId", "patient", "episode", "studyEpisode", "study"].map(get);
  if (!therapistId || !patient || !episode || !studyEpisode || !study) throw new Stop("incomplete state");
  const { admin, frontDesk, manager, therapist } = await tokens(get("subject"));
  // The API's clock runs offsetDays ahead now: "now" and "today" are the clinic's.
  const now = new Date(Date.now() + offsetDays * day);
  const today = clinicDate(now);

  const sessions = need(expect("GET /episodes/{id}/sessions", 200, await therapist.GET("/episodes/{id}/sessions", { params: { path: { id: episode } } })).data, "sessions");
  const [attended, missed] = sessions;
  if (!attended || !missed) throw new Stop("two sessions in the series");
  const recorded = async (session: Schemas["SessionResponse"]) => {
    const read = expect("GET /sessions/{id}", 200, await therapist.GET("/sessions/{id}", { params: { path: { id: session.id } } }), `session=${session.id}`);
    return { params: { path: { id: session.id }, header: { "If-Match": etagOf(read, "session") } } };
  };
  expect("POST /sessions/{id}/attended", 200, await therapist.POST("/sessions/{id}/attended", await recorded(attended)));
  expect("POST /sessions/{id}/no-show", 200, await therapist.POST("/sessions/{id}/no-show", await recorded(missed)));
  expect("GET /episodes/{id}/adherence", 200, await therapist.GET("/episodes/{id}/adherence", { params: { path: { id: episode } } }));
  expect("GET /patients/{id}/sessions", 200, await frontDesk.GET("/patients/{id}/sessions", { params: { path: { id: patient }, query: { when: "past", limit: 10 } } }));
  const firstDay = attended.localStart.slice(0, 10);
  expect("GET /day-sheet", 200, await frontDesk.GET("/day-sheet", { params: { query: { date: firstDay } } }));
  expect("GET /therapists/{id}/calendar", 200, await frontDesk.GET("/therapists/{id}/calendar", {
    params: { path: { id: therapistId }, query: { from: firstDay, to: addDays(firstDay, 13), includeCancelled: true } },
  }));

  // End of treatment (six weeks after the start): outcomes, an adverse event, the episode completed.
  const takenAt = new Date(now.getTime() - 3_600_000).toISOString();
  expect("POST /patients/{id}/measurements (pain-nrs)", 201, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: patient } }, body: { instrument: "pain-nrs", takenAt, score: 6 },
  }));
  expect("POST /patients/{id}/measurements (odi score)", 201, await therapist.POST("/patients/{id}/measurements", {
    params: { path: { id: patient } }, body: { instrument: "odi", takenAt, score: 40 },
  }));
  expect("GET /patients/{id}/measurements", 200, await therapist.GET("/patients/{id}/measurements", { params: { path: { id: patient }, query: { instrument: "pain-nrs" } } }));
  expect("POST /episodes/{id}/adverse-events", 201, await therapist.POST("/episodes/{id}/adverse-events", {
    params: { path: { id: episode } }, body: { occurredOn: addDays(today, -1), severity: "mild", relatedness: "possible", code: "muscle-soreness", description: "Sore after exercise" },
  }));
  expect("GET /episodes/{id}/adverse-events", 200, await therapist.GET("/episodes/{id}/adverse-events", { params: { path: { id: episode } } }));
  const trajectory = need(expect("GET /patients/{id}/trajectory", 200, await therapist.GET("/patients/{id}/trajectory", {
    params: { path: { id: patient }, query: { instrument: "pain-nrs" } },
  })).data, "trajectory");
  console.log(`     trajectory: ${trajectory.classification}, ${trajectory.observed.length} observed, evidence ${trajectory.reference.evidenceIds.join(",")}`);
  expect("GET /patients/{id}/trajectory.svg", 200, await therapist.GET("/patients/{id}/trajectory.svg", {
    params: { path: { id: patient }, query: { instrument: "odi" } }, parseAs: "text",
  }));
  const worklist = need(expect("GET /worklists/off-track", 200, await therapist.GET("/worklists/off-track", { params: { query: { therapistId: therapistId } } })).data, "worklist");
  console.log(`     off-track worklist: ${worklist.length} patient(s)`);
  expect("GET /follow-ups", 200, await therapist.GET("/follow-ups", { params: { query: { therapistId: therapistId } } }));
  const current = expect("GET /episodes/{id}", 200, await therapist.GET("/episodes/{id}", { params: { path: { id: episode } } }));
  expect("POST /episodes/{id}/complete", 200, await therapist.POST("/episodes/{id}/complete", {
    params: { path: { id: episode }, header: { "If-Match": etagOf(current, "episode") } }, body: { endDate: today },
  }));
  expect("GET /patients/{id}/episodes", 200, await therapist.GET("/patients/{id}/episodes", { params: { path: { id: patient } } }));

  // Reports (de-identified), exports and the audit trail.
  const cohort = need(expect("GET /reports/cohort", 200, await manager.GET("/reports/cohort", { params: { query: { instrument: "pain-nrs" } } })).data, "cohort report");
  console.log(`     cohort report: ${cohort.episodesIncluded} episode(s), ${cohort.comparisons.length} comparison(s)`);
  const csv = expect("GET /reports/cohort (Accept: text/csv)", 200, await manager.GET("/reports/cohort", { headers: { Accept: "text/csv" }, parseAs: "text" }));
  console.log(`     cohort CSV: ${(csv.data ?? "").split("\n").filter((l) => l).length} line(s)`);
  expect("GET /reports/therapists", 200, await manager.GET("/reports/therapists", { params: { query: { instrument: "pain-nrs", timepoint: "end-of-treatment" } } }));
  expect("GET /patients/{id}/export", 200, await admin.GET("/patients/{id}/export", { params: { path: { id: patient } } }));
  const audit = need(expect("GET /audit", 200, await admin.GET("/audit", { params: { query: { resourceId: patient, limit: 50 } } })).data, "audit page");
  console.log(`     audit trail: ${audit.items.length} event(s) on patient=${patient}`);
  expect("GET /studies/{id}/audit", 200, await admin.GET("/studies/{id}/audit", { params: { path: { id: study } } }));
  expect("GET /episodes/{id}/sessions (study patient)", 200, await therapist.GET("/episodes/{id}/sessions", { params: { path: { id: studyEpisode } } }));
}

try {
  await (phase === "book" ? book() : attend());
} catch (error) {
  if (!(error instanceof Stop)) throw error;
  failures++;
  console.log(`STOP ${phase}: ${error.message} (the steps after it need it)`);
}
console.log(`${phase}: ${failures} failed step(s), ${findings} Prism finding(s)`);
process.exit(failures + findings === 0 ? 0 : 1);
