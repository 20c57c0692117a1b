package org.consentfhir.interceptors.consent;

import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/**
 * Why data is being used: the HL7 v3 ActReason purposes of use this server understands. They cover
 * the source systems' treatment, emergency and research purposes and ABDM's purpose codes.
 */
public enum PurposeOfUse {
	TREAT("treatment"),
	ETREAT("emergency treatment"),
	BTG("break the glass"),
	CAREMGT("care management"),
	PUBHLTH("public health"),
	HPAYMT("healthcare payment"),
	HRESCH("healthcare research"),
	PATRQT("patient requested");

	public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

	private final String display;

	PurposeOfUse(String display) {
		this.display = display;
	}

	public String display() {
		return display;
	}

	public String code() {
		return name();
	}

	/** This purpose as a v3 ActReason coding. */
	public Coding coding() {
		return new Coding(SYSTEM, code(), display);
	}

	/** A code such as {@code TREAT} (any case), or empty when it is not one of these purposes. */
	public static Optional<PurposeOfUse> of(String code) {
		if (code == null || code.isBlank()) {
			return Optional.empty();
		}
		try {
			return Optional.of(valueOf(code.trim().toUpperCase(Locale.ROOT)));
		} catch (IllegalArgumentException unknown) {
			return Optional.empty();
		}
	}
}
