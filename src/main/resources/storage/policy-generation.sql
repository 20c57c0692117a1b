-- The access-policy generation counter (see PolicyGeneration), created at start when missing (H2 and PostgreSQL).
CREATE TABLE IF NOT EXISTS fhir_policy_generation (
    id integer NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO fhir_policy_generation (id, generation)
    SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM fhir_policy_generation WHERE id = 1);
