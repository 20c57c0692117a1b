package org.consentfhir.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Where AuditEvents are kept: an append-only table of their FHIR JSON with the few columns the
 * audit is searched by (when, type, subtypes, the patients named). Storing one is a single small
 * insert; indexing it as a HAPI resource (search parameters, full text, history) cost several
 * times a read, for a record nobody changes and few search. Nothing here updates a row; the only
 * delete is {@link #deleteRecordedBefore}, for the retention job.
 */
public class AuditEventStore {

	/** Search criteria; null or empty means any. */
	public record Criteria(String patient, Set<String> types, Set<String> subtypes, Instant from, Instant to, int limit) {}

	private final JdbcTemplate jdbc;
	private final FhirContext fhir;

	public AuditEventStore(DataSource dataSource, FhirContext fhir) {
		new ResourceDatabasePopulator(new ClassPathResource("audit/schema.sql")).execute(dataSource);
		this.jdbc = new JdbcTemplate(dataSource);
		this.fhir = fhir;
	}

	/**
	 * Stores the events in the caller's transaction; each gets its id. The events go in one JDBC
	 * batch and the patients they name in a second: two round trips for a group-commit batch of any
	 * size, where one insert per event and one per event's patients cost two each.
	 */
	public void insert(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		IParser json = fhir.newJsonParser();
		List<String> bodies = new ArrayList<>(events.size());
		for (AuditEvent event : events) {
			if (!event.hasRecorded()) {
				event.setRecorded(new Date());
			}
			event.setId((String) null);
			bodies.add(json.encodeResourceToString(event));
		}
		List<Long> ids = jdbc.execute((ConnectionCallback<List<Long>>) connection -> {
			try (PreparedStatement insert = connection.prepareStatement(
					"INSERT INTO fhir_audit_event (recorded, type_code, subtype_codes, resource_json) VALUES (?, ?, ?, ?)",
					new String[] {"id"})) {
				for (int i = 0; i < events.size(); i++) {
					AuditEvent event = events.get(i);
					insert.setTimestamp(1, new Timestamp(event.getRecorded().getTime()));
					insert.setString(2, token(event.getType()));
					// " system|code system|code ": one LIKE finds a token whether or not the search names the system
					insert.setString(3, " " + event.getSubtype().stream().map(AuditEventStore::token).collect(Collectors.joining(" ")) + " ");
					insert.setString(4, bodies.get(i));
					insert.addBatch();
				}
				insert.executeBatch();
				List<Long> generated = new ArrayList<>(events.size());
				try (ResultSet keys = insert.getGeneratedKeys()) {
					while (keys.next()) {
						generated.add(keys.getLong(1));
					}
				}
				return generated;
			}
		});
		if (ids == null || ids.size() != events.size()) {
			throw new IllegalStateException("The database gave " + (ids == null ? 0 : ids.size()) + " ids for "
					+ events.size() + " audit events");
		}
		List<Object[]> patients = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			AuditEvent event = events.get(i);
			long id = ids.get(i);
			event.setId(String.valueOf(id));
			patientsOf(event).forEach(patient -> patients.add(new Object[] {patient, id}));
		}
		if (!patients.isEmpty()) {
			jdbc.batchUpdate("INSERT INTO fhir_audit_event_patient (patient_id, event_id) VALUES (?, ?)", patients);
		}
	}

	public Optional<AuditEvent> read(String id) {
		if (!id.matches("[0-9]{1,18}")) {
			return Optional.empty();
		}
		return jdbc.query("SELECT id, resource_json FROM fhir_audit_event WHERE id = ?",
				(row, n) -> parse(row.getLong(1), row.getString(2)), Long.parseLong(id)).stream().findFirst();
	}

	/** Newest first. */
	public List<AuditEvent> search(Criteria criteria) {
		StringBuilder sql = new StringBuilder("SELECT e.id, e.resource_json FROM fhir_audit_event e");
		List<Object> args = new ArrayList<>();
		if (criteria.patient() != null) {
			sql.append(" JOIN fhir_audit_event_patient p ON p.event_id = e.id AND p.patient_id = ?");
			args.add(criteria.patient());
		}
		sql.append(" WHERE 1 = 1");
		if (criteria.types() != null && !criteria.types().isEmpty()) {
			sql.append(" AND (").append(criteria.types().stream()
					.map(t -> t.contains("|") ? "e.type_code = ?" : "(e.type_code = ? OR e.type_code LIKE ?)")
					.collect(Collectors.joining(" OR "))).append(")");
			criteria.types().forEach(t -> {
				args.add(t);
				if (!t.contains("|")) {
					args.add("%|" + t);
				}
			});
		}
		if (criteria.subtypes() != null && !criteria.subtypes().isEmpty()) {
			sql.append(" AND (").append(criteria.subtypes().stream()
					.map(t -> t.contains("|") ? "e.subtype_codes LIKE ?" : "(e.subtype_codes LIKE ? OR e.subtype_codes LIKE ?)")
					.collect(Collectors.joining(" OR "))).append(")");
			criteria.subtypes().forEach(t -> {
				args.add("% " + t + " %");
				if (!t.contains("|")) {
					args.add("%|" + t + " %");
				}
			});
		}
		if (criteria.from() != null) {
			sql.append(" AND e.recorded >= ?");
			args.add(Timestamp.from(criteria.from()));
		}
		if (criteria.to() != null) {
			sql.append(" AND e.recorded <= ?");
			args.add(Timestamp.from(criteria.to()));
		}
		sql.append(" ORDER BY e.recorded DESC, e.id DESC LIMIT ").append(Math.max(1, criteria.limit()));
		return jdbc.query(sql.toString(), (row, n) -> parse(row.getLong(1), row.getString(2)), args.toArray());
	}

	/** Removes the events recorded before the instant; answers how many. */
	public int deleteRecordedBefore(Instant cutoff) {
		Timestamp before = Timestamp.from(cutoff);
		jdbc.update("DELETE FROM fhir_audit_event_patient WHERE event_id IN (SELECT id FROM fhir_audit_event WHERE recorded < ?)", before);
		return jdbc.update("DELETE FROM fhir_audit_event WHERE recorded < ?", before);
	}

	private AuditEvent parse(long id, String json) {
		AuditEvent event = fhir.newJsonParser().parseResource(AuditEvent.class, json);
		event.setId(String.valueOf(id));
		return event;
	}

	/** The patients an event names: entities and agents that are {@code Patient/…} references. */
	static Set<String> patientsOf(AuditEvent event) {
		Set<String> patients = new LinkedHashSet<>();
		event.getEntity().forEach(entity -> addPatient(patients, entity.getWhat().getReference()));
		event.getAgent().forEach(agent -> addPatient(patients, agent.getWho().getReference()));
		return patients;
	}

	private static void addPatient(Set<String> patients, String reference) {
		if (reference != null && reference.startsWith("Patient/")) {
			String id = reference.substring("Patient/".length());
			int history = id.indexOf('/');
			patients.add(history < 0 ? id : id.substring(0, history));
		}
	}

	/** {@code system|code}, or the code alone without a system. */
	private static String token(Coding coding) {
		return coding.hasSystem() ? coding.getSystem() + "|" + coding.getCode() : String.valueOf(coding.getCode());
	}
}
