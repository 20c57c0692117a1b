import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "offline sync" scenario of bench/sync.sh (run as {@code java bench/SyncClient.java ...}, no
 * dependencies): N bedside devices, each assigned to its own patient and holding its own OAuth
 * client, upload a backlog of R vital-sign readings as one transaction, all at once, and then
 * upload the same backlog again (a retry after a lost answer). Every reading carries a business
 * identifier (device + sequence) with {@code ifNoneExist}; about one in ten crosses an alert
 * threshold, and the client counts those crossings itself.
 *
 * <pre>
 *   sync &lt;baseUrl&gt; &lt;devices&gt; &lt;readingsPerDevice&gt; &lt;seed&gt;
 *   env FHIR_BEARER_TOKEN  a token that creates Patients and Devices and reads everything (trusted client)
 *   env FHIR_ADMIN_TOKEN   an admin token with client.create (registers the devices' clients)
 * </pre>
 * Prints one "RESULT sync ..." line of key=value pairs; exits 2 when a check fails (a refused
 * reading, a replay that stored something, a reading stored twice).
 */
public class SyncClient {

	static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
	static final String FHIR_JSON = "application/fhir+json";
	static final Pattern ENTRY_STATUS = Pattern.compile("\"response\"\\s*:\\s*\\{\\s*\"status\"\\s*:\\s*\"(\\d{3})");
	static final Pattern ENTRY = Pattern.compile("\"fullUrl\"");
	static final Pattern JSON_FIELD = Pattern.compile("\"(client_id|client_secret|access_token)\"\\s*:\\s*\"([^\"]+)\"");

	record Device(String patient, String device, String token, String backlog, int crossings) {}

	public static void main(String[] args) throws Exception {
		if (args.length < 5 || !args[0].equals("sync")) {
			System.err.println("usage: SyncClient sync <baseUrl> <devices> <readingsPerDevice> <seed>");
			System.exit(64);
		}
		String base = args[1];
		int devices = Integer.parseInt(args[2]);
		int readings = Integer.parseInt(args[3]);
		Random random = new Random(Long.parseLong(args[4]));
		String origin = base.substring(0, base.lastIndexOf("/fhir"));

		List<Device> fleet = new ArrayList<>();
		for (int d = 0; d < devices; d++) {
			fleet.add(register(base, origin, readings, random));
		}
		int expected = fleet.stream().mapToInt(Device::crossings).sum();

		double firstSeconds = uploadAll(base, fleet, "201");
		double replaySeconds = uploadAll(base, fleet, "200");

		int stored = 0, alerts = 0;
		for (Device d : fleet) {
			stored += count(base + "/Observation?subject=" + d.patient());
			alerts += count(base + "/DetectedIssue?patient=" + d.patient());
		}
		int total = devices * readings;
		boolean ok = stored == total;
		System.out.printf(Locale.ROOT, "RESULT sync devices=%d readings=%d first_s=%.2f readings_per_s=%.1f replay_s=%.2f replay_readings_per_s=%.1f"
				+ " stored=%d threshold_crossings=%d alerts=%d%n",
				devices, total, firstSeconds, total / firstSeconds, replaySeconds, total / replaySeconds, stored, expected, alerts);
		if (!ok) {
			System.out.println("SYNC FAILED: " + stored + " readings stored for " + total + " sent");
			System.exit(2);
		}
	}

	/** A patient, a Device assigned to them, the device's OAuth client and token, and its backlog. */
	static Device register(String base, String origin, int readings, Random random) throws Exception {
		String patient = create(base, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Sync\"}],\"gender\":\"female\"}");
		String device = create(base, "Device", "{\"resourceType\":\"Device\",\"status\":\"active\",\"patient\":{\"reference\":\"" + patient + "\"}}");
		HttpResponse<String> client = send(HttpRequest.newBuilder(URI.create(origin + "/admin/devices/" + device.substring(7) + "/client"))
				.header("Authorization", "Bearer " + System.getenv("FHIR_ADMIN_TOKEN")).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{}")));
		require(client, 201, "device client");
		String credentials = field(client.body(), "client_id") + ":" + field(client.body(), "client_secret");
		HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/token"))
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=system/Observation.c")));
		require(token, 200, "device token");

		StringBuilder backlog = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
		int crossings = 0;
		Instant start = Instant.parse("2026-01-01T00:00:00Z");
		for (int i = 0; i < readings; i++) {
			boolean cross = random.nextInt(10) == 0;
			crossings += cross ? 1 : 0;
			String id = device.substring(7) + "-" + i;
			if (i > 0) backlog.append(',');
			backlog.append("{\"fullUrl\":\"urn:uuid:").append(java.util.UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)))
					.append("\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",")
					.append("\"identifier\":[{\"system\":\"urn:bench:device-sequence\",\"value\":\"").append(id).append("\"}],")
					.append("\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],")
					.append(measurement(i % 5, cross, random))
					.append(",\"subject\":{\"reference\":\"").append(patient).append("\"},\"device\":{\"reference\":\"").append(device)
					.append("\"},\"effectiveDateTime\":\"").append(start.plusSeconds(60L * i)).append("\"},")
					.append("\"request\":{\"method\":\"POST\",\"url\":\"Observation\",\"ifNoneExist\":\"Observation?identifier=urn:bench:device-sequence|")
					.append(id).append("\"}}");
		}
		backlog.append("]}");
		return new Device(patient, device, field(token.body(), "access_token"), backlog.toString(), crossings);
	}

	/** code and value of one reading; a crossing is over exactly one shipped alert rule. */
	static String measurement(int kind, boolean cross, Random random) {
		return switch (kind) {
			case 0 -> quantity("8867-4", cross ? 125 + random.nextInt(40) : 60 + random.nextInt(40), "/min");
			case 1 -> quantity("59408-5", cross ? 85 + random.nextInt(9) : 96 + random.nextInt(4), "%");
			case 2 -> quantity("2339-0", cross ? (random.nextBoolean() ? 200 + random.nextInt(150) : 40 + random.nextInt(25)) : 90 + random.nextInt(80), "mg/dL");
			case 3 -> quantity("8310-5", cross ? 38.5 + random.nextInt(15) / 10.0 : 36.5 + random.nextInt(10) / 10.0, "Cel");
			default -> "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},\"component\":["
					+ component("8480-6", cross ? 150 + random.nextInt(40) : 110 + random.nextInt(25)) + ","
					+ component("8462-4", 70 + random.nextInt(15)) + "]";
		};
	}

	static String quantity(String loinc, double value, String unit) {
		return "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\"}]},\"valueQuantity\":"
				+ value(value, unit);
	}

	static String component(String loinc, double value) {
		return "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\"}]},\"valueQuantity\":" + value(value, "mm[Hg]") + "}";
	}

	static String value(double value, String unit) {
		return "{\"value\":" + (value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value))
				+ ",\"unit\":\"" + unit + "\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"" + unit + "\"}";
	}

	/** Every device uploads its backlog at once; seconds until the last answer. Each entry must answer the given status. */
	static double uploadAll(String base, List<Device> fleet, String status) throws Exception {
		AtomicBoolean failed = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		long t0 = System.nanoTime();
		for (Device d : fleet) {
			Thread upload = new Thread(() -> {
				try {
					HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofMinutes(30))
							.header("Authorization", "Bearer " + d.token()).header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
							.POST(HttpRequest.BodyPublishers.ofString(d.backlog())));
					Matcher m = ENTRY_STATUS.matcher(answer.body());
					int entries = 0, right = 0;
					while (m.find()) {
						entries++;
						right += m.group(1).equals(status) ? 1 : 0;
					}
					int sent = (int) ENTRY.matcher(d.backlog()).results().count();
					if (answer.statusCode() != 200 || right != sent) {
						System.out.printf("FAILED upload of %s: HTTP %d, %d of %d entries answered %s%n%s%n", d.device(), answer.statusCode(),
								right, sent, status, answer.body().substring(0, Math.min(2000, answer.body().length())));
						failed.set(true);
					}
				} catch (Exception e) {
					System.out.println("FAILED upload of " + d.device() + ": " + e);
					failed.set(true);
				}
			});
			upload.start();
			threads.add(upload);
		}
		for (Thread t : threads) t.join();
		double seconds = (System.nanoTime() - t0) / 1e9;
		if (failed.get()) System.exit(2);
		return seconds;
	}

	static int count(String url) throws Exception {
		int total = 0;
		String next = url + "&_elements=id&_count=1000";
		while (next != null) {
			HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(next.replace("|", "%7C")))
					.header("Authorization", "Bearer " + System.getenv("FHIR_BEARER_TOKEN")).header("Accept", FHIR_JSON)
					.header("Cache-Control", "no-cache").GET());
			require(page, 200, "count " + url);
			total += (int) Pattern.compile("\"fullUrl\"").matcher(page.body()).results().count();
			Matcher link = Pattern.compile("\"relation\"\\s*:\\s*\"next\"\\s*,\\s*\"url\"\\s*:\\s*\"([^\"]+)\"").matcher(page.body());
			next = link.find() ? link.group(1) : null;
		}
		return total;
	}

	static String create(String base, String type, String json) throws Exception {
		HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/" + type))
				.header("Authorization", "Bearer " + System.getenv("FHIR_BEARER_TOKEN")).header("Content-Type", FHIR_JSON)
				.POST(HttpRequest.BodyPublishers.ofString(json)));
		require(created, 201, type + " create");
		String location = created.headers().firstValue("Location").orElseThrow();
		String path = location.substring(location.indexOf(type + "/"));
		return path.contains("/_history") ? path.substring(0, path.indexOf("/_history")) : path;
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static void require(HttpResponse<String> response, int status, String what) {
		if (response.statusCode() != status) {
			throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + response.body());
		}
	}

	static String field(String json, String name) {
		Matcher m = JSON_FIELD.matcher(json);
		while (m.find()) {
			if (m.group(1).equals(name)) return m.group(2);
		}
		throw new IllegalStateException("no " + name + " in " + json);
	}
}
