package org.consentfhir.interceptors.inputguard;

import java.util.Optional;

/**
 * The size of a number a request body may carry. FHIR's decimal is "a rational number with a
 * decimal representation": the specification asks for at least 18 significant digits (the XML Schema
 * minimum), and medicine needs far fewer. What it does not bound is the exponent, and a parser or
 * database that turns {@code 1e999999} into its plain form builds a million-digit number: about 50 s
 * of CPU for one request. So a number may have at most {@value #MAX_DIGITS} digits (twice what FHIR
 * asks servers to keep, room for any honest value) and an exponent of at most {@value #MAX_EXPONENT}
 * either way (10^100 is beyond any measured quantity; its plain form is a few hundred bytes).
 *
 * <p>Digits are any the JDK's decimal parser reads as digits (Unicode decimal digits, not only ASCII).
 * Applies to a JSON number, and to a JSON string or XML {@code value} attribute that is written as
 * a number (HAPI accepts a decimal in either form); text that is not a number is no concern of this.
 * Quoted text of digits only may be an identifier rather than a decimal, so it may have up to
 * {@value #MAX_QUOTED_INTEGER_DIGITS} digits: still microseconds to parse, where five million digits
 * (a 10 MB body) take minutes.
 */
final class NumberBounds {

	static final int MAX_DIGITS = 40;
	static final int MAX_EXPONENT = 100;
	static final int MAX_QUOTED_INTEGER_DIGITS = 1000;

	private NumberBounds() {}

	/**
	 * @param text   the number's text, decoded: JSON escapes and XML character references already
	 *               replaced by what they stand for (a parser reads {@code \u0031e9} and {@code &#49;e9} as {@code 1e9})
	 * @param quoted whether the text is a JSON string or an XML attribute rather than a JSON number
	 * @return the problem with the number in {@code text}, or empty when it is within bounds or no number
	 */
	static Optional<String> problemIn(CharSequence text, boolean quoted) {
		int from = 0;
		int to = text.length();
		// surrounding whitespace: a parser that trims would still read the number
		while (from < to && Character.isWhitespace(text.charAt(from))) {
			from++;
		}
		while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
			to--;
		}
		int i = from;
		boolean plain = quoted;
		if (i < to && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
			i++;
			plain = false;
		}
		int digits = 0;
		boolean dot = false;
		for (; i < to && text.charAt(i) != 'e' && text.charAt(i) != 'E'; i++) {
			if (Character.isDigit(text.charAt(i))) {
				digits++;
			} else if (text.charAt(i) == '.' && !dot) {
				dot = true;
				plain = false;
			} else {
				return Optional.empty();
			}
		}
		if (digits == 0) {
			return Optional.empty();
		}
		if (i < to) {
			plain = false;
			i++;
			if (i < to && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
				i++;
			}
			if (i == to) {
				return Optional.empty();
			}
			long exponent = 0;
			for (; i < to; i++) {
				int digit = Character.digit(text.charAt(i), 10);
				if (digit < 0) {
					return Optional.empty();
				}
				exponent = Math.min(exponent * 10 + digit, Integer.MAX_VALUE);
			}
			if (exponent > MAX_EXPONENT) {
				return Optional.of("a number with an exponent beyond " + MAX_EXPONENT + " either way");
			}
		}
		int maxDigits = plain ? MAX_QUOTED_INTEGER_DIGITS : MAX_DIGITS;
		if (digits > maxDigits) {
			return Optional.of("a number of more than " + maxDigits + " digits");
		}
		return Optional.empty();
	}

	/** The ASCII bytes {@code text[from, to)} as characters, without copying. */
	static CharSequence ascii(byte[] text, int from, int to) {
		return new CharSequence() {
			@Override
			public int length() {
				return to - from;
			}

			@Override
			public char charAt(int index) {
				return (char) (text[from + index] & 0xff);
			}

			@Override
			public CharSequence subSequence(int start, int end) {
				return ascii(text, from + start, from + end);
			}

			@Override
			public String toString() {
				return new String(text, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
			}
		};
	}
}
