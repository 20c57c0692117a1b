import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of bench/patients.sh: generates and stores synthetic patients, then times patient
 * searches. Dependency-free (run as {@code java bench/PatientSearchBench.java ...}); JSON is built
 * from strings and read with a few regular expressions.
 *
 * <pre>
 *   load &lt;baseUrl&gt; &lt;from&gt; &lt;to&gt; &lt;seed&gt; &lt;Organization/permitted&gt; &lt;Organization/other&gt; &lt;idsFile&gt;
 *        stores patients from..to-1, 100 per transaction, with their records and Consents;
 *        appends "index id" of every patient to idsFile
 *   search &lt;baseUrl&gt; &lt;kind&gt; &lt;iterations&gt; &lt;seed&gt; &lt;patients&gt; &lt;idsFile&gt; &lt;permittedOnly&gt;
 *        times one search kind; prints a RESULT line
 * </pre>
 *
 * Patient {@code i} is the same for a seed whatever else is generated: its demographics come from a
 * random generator seeded with {@code seed * 1_000_003 + i}. Patients with {@code i % 100 == 7}
 * permit the benchmark clinic for treatment (1 %), {@code i % 50 == 3} deny it (2 %), {@code i % 10 == 1}
 * permit another clinic (10 %); the rest have no Consent (hidden from both under opt-in).
 */
public class PatientSearchBench {

	static final String FHIR_JSON = "application/fhir+json";
	static final String BEARER = System.getenv().getOrDefault("FHIR_BEARER_TOKEN", "");
	static final String PURPOSE = System.getenv().getOrDefault("PURPOSE_OF_USE", "");
	static final int PER_BUNDLE = 100;
	static final int COUNT = 20;
	static final String MRN = "urn:bench:mrn";
	static final String ABHA = "https://healthid.ndhm.gov.in";
	static final LocalDate TODAY = LocalDate.of(2026, 1, 1);

	static final String[] FAMILIES = {"Sharma", "Verma", "Gupta", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Singh", "Kaur",
			"Das", "Banerjee", "Chatterjee", "Mukherjee", "Rao", "Naidu", "Pillai", "Menon", "Joshi", "Kulkarni",
			"Deshpande", "Khan", "Ansari", "Siddiqui", "Fernandes", "D'Souza", "Thomas", "George", "Mathew", "Varghese",
			"Bose", "Ghosh", "Mishra", "Pandey", "Tiwari", "Yadav", "Chauhan", "Rathore", "Bhatt", "Trivedi",
			"Smith", "Johnson", "Williams", "Brown", "Garcia", "Müller", "Rossi", "Nguyen", "Kim", "Okafor"};
	static final String[] FEMALE = {"Priya", "Ananya", "Lakshmi", "Fatima", "Meera", "Kavya", "Sneha", "Pooja", "Divya", "Aisha",
			"Sunita", "Geeta", "Rekha", "Anjali", "Neha", "Mary", "Sarah", "Maria", "Emma", "Chloe"};
	static final String[] MALE = {"Rahul", "Arjun", "Vikram", "Imran", "Suresh", "Ramesh", "Arun", "Karthik", "Rohan", "Aditya",
			"Mohammed", "Sanjay", "Rajesh", "Anil", "Vijay", "John", "David", "James", "Luca", "Kenji"};
	/** City and its state. */
	static final String[][] PLACES = {{"Mumbai", "Maharashtra"}, {"Pune", "Maharashtra"}, {"Nagpur", "Maharashtra"},
			{"Bengaluru", "Karnataka"}, {"Mysuru", "Karnataka"}, {"Chennai", "Tamil Nadu"}, {"Coimbatore", "Tamil Nadu"},
			{"Madurai", "Tamil Nadu"}, {"Kochi", "Kerala"}, {"Thiruvananthapuram", "Kerala"}, {"Hyderabad", "Telangana"},
			{"Vijayawada", "Andhra Pradesh"}, {"Kolkata", "West Bengal"}, {"Delhi", "Delhi"}, {"Lucknow", "Uttar Pradesh"},
			{"Varanasi", "Uttar Pradesh"}, {"Jaipur", "Rajasthan"}, {"Ahmedabad", "Gujarat"}, {"Surat", "Gujarat"},
			{"Bhopal", "Madhya Pradesh"}, {"Patna", "Bihar"}, {"Guwahati", "Assam"}, {"Chandigarh", "Punjab"},
			{"Bhubaneswar", "Odisha"}, {"Panaji", "Goa"}};
	static final String[][] VITALS = {{"8867-4", "Heart rate", "/min", "60", "40"}, {"29463-7", "Body weight", "kg", "40", "50"},
			{"8310-5", "Body temperature", "Cel", "36", "2"}, {"59408-5", "Oxygen saturation", "%", "92", "8"}};
	static final String[][] CONDITIONS = {{"44054006", "Diabetes mellitus type 2"}, {"38341003", "Hypertensive disorder"},
			{"195967001", "Asthma"}, {"40055000", "Chronic sinusitis"}, {"399211009", "History of myocardial infarction"}};
	static final String[][] ALLERGIES = {{"91936005", "Allergy to penicillin"}, {"300913006", "Shellfish allergy"},
			{"232347008", "Dander allergy"}, {"418689008", "Allergy to grass pollen"}};

	static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10)).build();
	static final Pattern ENTRY = Pattern.compile("\"fullUrl\"\\s*:");
	static final Pattern NEXT = Pattern.compile("\"relation\"\\s*:\\s*\"next\"");
	static final Pattern LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"Patient/([^/\"]+)");

	public static void main(String[] args) throws Exception {
		switch (args.length == 0 ? "" : args[0]) {
			case "load" -> load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]), args[5], args[6],
					Path.of(args[7]));
			case "search" -> search(args[1], Kind.valueOf(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
					Integer.parseInt(args[5]), Path.of(args[6]), Boolean.parseBoolean(args[7]));
			default -> {
				System.err.println("usage: see the javadoc of bench/PatientSearchBench.java");
				System.exit(2);
			}
		}
	}

	// ---------------------------------------------------------------- the patients

	record Person(int index, String family, String given, String gender, LocalDate birthDate, String city, String state,
			String phone, String abha) {

		static Person of(long seed, int index) {
			SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
			boolean female = random.nextBoolean();
			String given = (female ? FEMALE : MALE)[random.nextInt(FEMALE.length)];
			String family = FAMILIES[skewed(random, FAMILIES.length)];
			LocalDate born = TODAY.minusDays(random.nextInt(100 * 365));
			String[] place = PLACES[skewed(random, PLACES.length)];
			String phone = "+91 9" + String.format(Locale.ROOT, "%09d", random.nextLong(1_000_000_000L));
			String abha = random.nextInt(10) < 4 ? String.format(Locale.ROOT, "%02d-%04d-%04d-%04d", 10 + random.nextInt(90),
					random.nextInt(10_000), random.nextInt(10_000), index % 10_000) : null;
			return new Person(index, family, given, female ? "female" : "male", born, place[0], place[1], phone, abha);
		}

		/** Some names and places are much more common than others, as in life. */
		private static int skewed(SplittableRandom random, int size) {
			double u = random.nextDouble();
			return Math.min(size - 1, (int) (size * u * u));
		}

		String consent() {
			if (index % 100 == 7) return "permit-clinic";
			if (index % 50 == 3) return "deny-clinic";
			if (index % 10 == 1) return "permit-other";
			return null;
		}
	}

	static void load(String base, int from, int to, long seed, String clinic, String otherClinic, Path idsFile) throws Exception {
		long started = System.nanoTime();
		int stored = 0;
		for (int start = from; start < to; start += PER_BUNDLE) {
			int end = Math.min(to, start + PER_BUNDLE);
			StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
			for (int i = start; i < end; i++) {
				entries(bundle, Person.of(seed, i), clinic, otherClinic, i > start);
			}
			bundle.append("]}");
			HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofMinutes(10))
					.header("Content-Type", FHIR_JSON).POST(HttpRequest.BodyPublishers.ofString(bundle.toString())));
			if (response.statusCode() != 200) {
				throw new IllegalStateException("transaction " + start + ".." + end + ": " + response.statusCode() + " " + response.body());
			}
			Matcher patients = LOCATION.matcher(response.body());
			StringBuilder ids = new StringBuilder();
			int i = start;
			while (patients.find()) {
				ids.append(i++).append(' ').append(patients.group(1)).append('\n');
			}
			if (i != end) {
				throw new IllegalStateException("transaction " + start + ".." + end + " stored " + (i - start) + " patients");
			}
			Files.writeString(idsFile, ids, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
			stored += end - start;
			if ((stored / PER_BUNDLE) % 50 == 0) {
				System.out.printf(Locale.ROOT, "  %d patients, %.0f s%n", stored, (System.nanoTime() - started) / 1e9);
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf(Locale.ROOT, "RESULT load patients=%d seconds=%.1f patients_per_s=%.1f%n", stored, seconds, stored / seconds);
	}

	/** One patient and their records as transaction entries; the Patient first, so that "location" order is patient order. */
	static void entries(StringBuilder bundle, Person p, String clinic, String otherClinic, boolean comma) {
		String patient = "urn:uuid:" + new java.util.UUID(0x5eed, p.index).toString();
		if (comma) bundle.append(',');
		bundle.append("{\"fullUrl\":\"").append(patient).append("\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[")
				.append("{\"system\":\"").append(MRN).append("\",\"value\":\"MRN").append(p.index).append("\"}");
		if (p.abha != null) {
			bundle.append(",{\"system\":\"").append(ABHA).append("\",\"value\":\"").append(p.abha).append("\"}");
		}
		bundle.append("],\"name\":[{\"family\":").append(quote(p.family)).append(",\"given\":[").append(quote(p.given)).append("]}],")
				.append("\"telecom\":[{\"system\":\"phone\",\"value\":\"").append(p.phone).append("\"}],")
				.append("\"gender\":\"").append(p.gender).append("\",\"birthDate\":\"").append(p.birthDate).append("\",")
				.append("\"address\":[{\"city\":").append(quote(p.city)).append(",\"state\":").append(quote(p.state))
				.append(",\"country\":\"IN\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
		SplittableRandom random = new SplittableRandom(p.index * 31L + 7);
		for (int v = 0; v < 2; v++) {
			String[] vital = VITALS[(p.index + v) % VITALS.length];
			double value = Double.parseDouble(vital[3]) + random.nextDouble() * Double.parseDouble(vital[4]);
			bundle.append(",{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":")
					.append("\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],")
					.append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"").append(vital[0]).append("\",\"display\":\"")
					.append(vital[1]).append("\"}]},\"subject\":{\"reference\":\"").append(patient).append("\"},")
					.append("\"effectiveDateTime\":\"").append(TODAY.minusDays(random.nextInt(365))).append("T09:00:00Z\",")
					.append("\"valueQuantity\":{\"value\":").append(String.format(Locale.ROOT, "%.1f", value)).append(",\"unit\":\"")
					.append(vital[2]).append("\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"").append(vital[2]).append("\"}},")
					.append("\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
		}
		String[] condition = CONDITIONS[p.index % CONDITIONS.length];
		bundle.append(",{\"resource\":{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"system\":")
				.append("\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},\"code\":{\"coding\":[{")
				.append("\"system\":\"http://snomed.info/sct\",\"code\":\"").append(condition[0]).append("\",\"display\":\"")
				.append(condition[1]).append("\"}]},\"subject\":{\"reference\":\"").append(patient).append("\"}},")
				.append("\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}");
		String[] allergy = ALLERGIES[p.index % ALLERGIES.length];
		bundle.append(",{\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"code\":{\"coding\":[{")
				.append("\"system\":\"http://snomed.info/sct\",\"code\":\"").append(allergy[0]).append("\",\"display\":\"")
				.append(allergy[1]).append("\"}]},\"patient\":{\"reference\":\"").append(patient).append("\"}},")
				.append("\"request\":{\"method\":\"POST\",\"url\":\"AllergyIntolerance\"}}");
		String consent = p.consent();
		if (consent != null) {
			String actor = consent.endsWith("other") ? otherClinic : clinic;
			String type = consent.startsWith("permit") ? "permit" : "deny";
			bundle.append(",{\"resource\":{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{\"system\":")
					.append("\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},")
					.append("\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],")
					.append("\"patient\":{\"reference\":\"").append(patient).append("\"},\"dateTime\":\"2025-06-01T00:00:00Z\",")
					.append("\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},")
					.append("\"provision\":{\"type\":\"").append(type).append("\",\"actor\":[{\"role\":{\"coding\":[{\"system\":")
					.append("\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},\"reference\":{\"reference\":\"")
					.append(actor).append("\"}}]")
					.append(type.equals("permit") ? ",\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}]" : "")
					.append("}},\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}}");
		}
	}

	static String quote(String s) {
		return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	// ---------------------------------------------------------------- the searches

	enum Kind {
		NAME, FAMILY_BIRTHDATE, GENDER_STATE, CITY, IDENTIFIER, CONTENT, OBSERVATION_BY_CODE;

		/** The search for iteration {@code n}, from the data of a patient that exists. */
		String path(Person p, String patientId) {
			return switch (this) {
				case NAME -> "Patient?name=" + enc(p.family);
				case FAMILY_BIRTHDATE -> "Patient?family=" + enc(p.family) + "&birthdate=ge" + p.birthDate.minusYears(5)
						+ "&birthdate=le" + p.birthDate.plusYears(5);
				case GENDER_STATE -> "Patient?gender=" + p.gender + "&address-state=" + enc(p.state);
				case CITY -> "Patient?address-city=" + enc(p.city);
				case IDENTIFIER -> "Patient?identifier=" + enc(MRN + "|MRN" + p.index);
				case CONTENT -> "Patient?_content=" + enc(p.given);
				case OBSERVATION_BY_CODE -> "Observation?patient=" + patientId + "&code=" + enc("http://loinc.org|" + VITALS[p.index % VITALS.length][0]);
			} + "&_count=" + COUNT;
		}
	}

	static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	/**
	 * Times {@code iterations} searches of one kind, each for a patient drawn from the stored ones
	 * (only the permitted ones when {@code permittedOnly}: the doctor's view). Counts a page as
	 * short when it has a next link and fewer than {@code _count} entries.
	 */
	static void search(String base, Kind kind, int iterations, long seed, int patients, Path idsFile, boolean permittedOnly)
			throws Exception {
		List<String[]> stored = new ArrayList<>();
		for (String line : Files.readAllLines(idsFile)) {
			String[] parts = line.split(" ");
			if (parts.length == 2 && Integer.parseInt(parts[0]) < patients) {
				stored.add(parts);
			}
		}
		List<String[]> drawn = permittedOnly
				? stored.stream().filter(s -> "permit-clinic".equals(Person.of(seed, Integer.parseInt(s[0])).consent())).toList()
				: stored;
		SplittableRandom random = new SplittableRandom(seed + kind.ordinal());
		long[] nanos = new long[iterations];
		int shortPages = 0, errors = 0;
		long entries = 0;
		for (int n = -Math.min(20, iterations); n < iterations; n++) { // the first ones warm up, untimed
			String[] target = drawn.get(random.nextInt(drawn.size()));
			Person person = Person.of(seed, Integer.parseInt(target[0]));
			long start = System.nanoTime();
			HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/" + kind.path(person, target[1])))
					.timeout(Duration.ofSeconds(60)).header("Accept", FHIR_JSON).header("Cache-Control", "no-cache").GET());
			long took = System.nanoTime() - start;
			if (n < 0) continue;
			nanos[n] = took;
			if (response.statusCode() != 200) {
				errors++;
				continue;
			}
			int found = count(ENTRY, response.body());
			entries += found;
			if (NEXT.matcher(response.body()).find() && found < COUNT) {
				shortPages++;
			}
		}
		Arrays.sort(nanos);
		System.out.printf(Locale.ROOT, "RESULT search kind=%s n=%d p50_ms=%.1f p99_ms=%.1f mean_entries=%.1f short_pages=%d errors=%d%n",
				kind, iterations, nanos[iterations / 2] / 1e6, nanos[Math.min(iterations - 1, (int) Math.ceil(iterations * 0.99) - 1)] / 1e6,
				entries / (double) iterations, shortPages, errors);
	}

	static int count(Pattern pattern, String body) {
		Matcher matcher = pattern.matcher(body);
		int found = 0;
		while (matcher.find()) found++;
		return found;
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		request.header("Authorization", "Bearer " + BEARER);
		if (!PURPOSE.isEmpty()) request.header("X-Purpose-Of-Use", PURPOSE);
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
