package org.consentfhir.interceptors.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;

/**
 * What makes two readings the same reading: the same patient (subject), the same code, the same
 * effective time, the same value (and the same component values) and the same device. The
 * fingerprint is the SHA-256 of those, in hex; a reading without a subject or an effective time has
 * none (it cannot be told apart from a later reading of the same value).
 *
 * <p>Values compare as numbers ({@code 120} and {@code 120.0} are the same) with their unit code;
 * effective times as instants ({@code 10:00+05:30} and {@code 04:30Z} are the same).
 */
public final class ReadingFingerprint {

	public static final String SYSTEM = "https://consentfhir.org/fhir/reading-fingerprint";

	private ReadingFingerprint() {}

	public static Optional<String> of(Observation reading) {
		boolean hasValue = reading.hasValue() || reading.getComponent().stream().anyMatch(c -> c.hasValue());
		if (!reading.hasSubject() || !reading.getSubject().hasReference() || !reading.hasEffective() || !hasValue) {
			return Optional.empty();
		}
		List<String> parts = new ArrayList<>();
		parts.add("subject=" + reading.getSubject().getReference());
		parts.add("code=" + codes(reading.getCode()));
		parts.add("effective=" + effective(reading));
		parts.add("value=" + value(reading.getValue()));
		for (var component : reading.getComponent()) {
			parts.add("component=" + codes(component.getCode()) + ":" + value(component.getValue()));
		}
		parts.add("device=" + (reading.hasDevice() ? reading.getDevice().getReference() : ""));
		return Optional.of(sha256(String.join("\n", parts)));
	}

	private static String codes(CodeableConcept code) {
		return code.getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).sorted().toList().toString();
	}

	private static String effective(Observation reading) {
		if (reading.hasEffectiveDateTimeType()) {
			var dateTime = reading.getEffectiveDateTimeType();
			return dateTime.getValue() == null ? "" : dateTime.getValue().toInstant() + "/" + dateTime.getPrecision();
		}
		if (reading.hasEffectiveInstantType()) {
			return String.valueOf(reading.getEffectiveInstantType().getValue().toInstant());
		}
		if (reading.hasEffectivePeriod()) {
			var period = reading.getEffectivePeriod();
			return (period.hasStart() ? period.getStart().toInstant() : "") + ".." + (period.hasEnd() ? period.getEnd().toInstant() : "");
		}
		return reading.getEffective().primitiveValue();
	}

	private static String value(Type value) {
		if (value == null) {
			return "";
		}
		if (value instanceof Quantity quantity) {
			return (quantity.hasValue() ? quantity.getValue().stripTrailingZeros().toPlainString() : "") + " " + quantity.getSystem() + "|"
					+ quantity.getCode();
		}
		if (value instanceof CodeableConcept concept) {
			return codes(concept);
		}
		return value.fhirType() + ":" + (value.isPrimitive() ? value.primitiveValue() : value.toString());
	}

	static String sha256(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
