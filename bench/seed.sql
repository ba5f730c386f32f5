-- A realistic clinic, generated inside PostgreSQL in a few set-based statements (no row-by-row inserts):
-- :therapists therapists holding every competency and working every day; :patients patients, one episode each
-- in one of the six catalogue arms; 24 sessions per episode (no therapist or patient ever double booked: each
-- therapist's sessions take consecutive 50-minute slots); 8 measurements per episode (pain NRS and ODI at
-- weeks 0, 6, 10 and 22). Usage: psql -v patients=10000 -v therapists=40 -f bench/seed.sql
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_therapists AS
  SELECT t AS n, gen_random_uuid() AS id FROM generate_series(0, :therapists - 1) t;
INSERT INTO therapists (id, given_name, family_name, registration_number, is_active, created_at, updated_at, version, user_id)
  SELECT id, 'Bench', 'Therapist ' || n, 'BENCH-' || n, TRUE, now(), now(), 1, 'bench-therapist-' || n FROM bench_therapists;
INSERT INTO therapist_competencies (therapist_id, competency)
  SELECT t.id, c FROM bench_therapists t
  CROSS JOIN unnest(ARRAY['ExerciseTherapy','IndividualisedExercise','CognitiveBehaviouralTherapy','PainEducation','BehaviouralTherapy']) c;
INSERT INTO working_hours (id, therapist_id, weekday, starts_at, ends_at)
  SELECT gen_random_uuid(), t.id, d, '00:00', '23:45' FROM bench_therapists t CROSS JOIN generate_series(0, 6) d;

CREATE TEMP TABLE bench_patients AS
  SELECT p AS n, gen_random_uuid() AS id, gen_random_uuid() AS episode_id FROM generate_series(0, :patients - 1) p;
INSERT INTO patients (id, medical_record_number, given_name, family_name, search_name, date_of_birth, sex, has_anxiety, has_depression,
                      consent_to_deidentified_reporting, status, created_at, updated_at, version, pain_onset_date)
  SELECT id, 'BENCH-' || n, 'Given' || (n % 97), 'Family' || lpad((n % 9973)::text, 4, '0'),
         lower('family' || lpad((n % 9973)::text, 4, '0') || ' given' || (n % 97)), date '1950-01-01' + (n % 15000),
         CASE WHEN n % 2 = 0 THEN 'Female' ELSE 'Male' END, FALSE, FALSE, n % 10 <> 0, 'Active', now(), now(), 1, current_date - 400
  FROM bench_patients;
INSERT INTO episodes (id, patient_id, arm_id, primary_therapist_id, start_date, referral_reason, status, enrolment_warnings, created_at, updated_at, version)
  SELECT p.episode_id, p.id, ('01930000-0000-7000-8000-00000000000' || (1 + p.n % 6))::uuid, t.id,
         current_date - (p.n % 280), 'Bench referral', 'Active', '', now(), now(), 1
  FROM bench_patients p JOIN bench_therapists t ON t.n = p.n % :therapists;
INSERT INTO sessions (id, patient_id, therapist_id, episode_id, kind, starts_at, ends_at, duration_minutes, status, late_cancellation, created_at, updated_at, version)
  SELECT gen_random_uuid(), p.id, t.id, p.episode_id, 'Physiotherapy', slot, slot + interval '45 minutes', 45,
         CASE WHEN s % 10 = 9 THEN 'Cancelled' WHEN s % 10 = 8 THEN 'NoShow' ELSE 'Attended' END, FALSE, now(), now(), 1
  FROM bench_patients p
  JOIN bench_therapists t ON t.n = p.n % :therapists
  CROSS JOIN generate_series(0, 23) s
  CROSS JOIN LATERAL (SELECT timestamptz '2023-01-02 08:00:00+00' + ((p.n / :therapists) * 24 + s) / 10 * interval '1 day'
                             + ((p.n / :therapists) * 24 + s) % 10 * interval '50 minutes' AS slot) x;
INSERT INTO measurements (id, patient_id, episode_id, instrument, taken_at, recorded_by, score, created_at, version, status, superseded)
  SELECT gen_random_uuid(), p.id, p.episode_id, i.code, ((current_date - (p.n % 280)) + w * 7)::timestamp + interval '9 hours', 'bench',
         CASE WHEN i.code = 'pain-nrs' THEN greatest(0, least(10, 6 - w / 4 + (p.n % 5) - 2)) ELSE greatest(0, 40 - w + (p.n % 11)) END,
         now(), 1, 'Final', FALSE
  FROM bench_patients p
  CROSS JOIN (VALUES (0), (6), (10), (22)) weeks(w)
  CROSS JOIN (VALUES ('pain-nrs'), ('odi')) i(code)
  WHERE (current_date - (p.n % 280)) + w * 7 <= current_date;
COMMIT;
ANALYZE;
