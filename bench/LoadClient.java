import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load client for bench/run.sh. Dependency-free on purpose (run as {@code java bench/LoadClient.java ...}),
 * so the benchmark needs nothing but a JDK 17. JSON is inspected with a few regular expressions instead of
 * a parser: we only need counts, statuses, ids and codes, and the server's/Synthea's JSON is compact.
 *
 * <pre>
 *   corpus &lt;dir&gt; [skipOverBytes]                      size of a Synthea corpus
 *   ingest &lt;dir&gt; &lt;threads&gt; &lt;baseUrl&gt; [skipOverBytes]  POST every bundle, fail on any non-2xx
 *   mix &lt;baseUrl&gt; &lt;connections&gt; &lt;seconds&gt; [warmupSeconds] [sinceDate]   read/search mix
 * </pre>
 * Every summary is also printed as one "RESULT ..." line of key=value pairs that run.sh parses.
 */
public class LoadClient {

	static final Duration BUNDLE_TIMEOUT = Duration.ofMinutes(30); // a big transaction can take minutes
	static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
	static final long MAX_REQUESTS_PER_CONNECTION = 5_000_000; // the mix is time-bound; this only caps a runaway
	static final String FHIR_JSON = "application/fhir+json";
	/** A bearer token for every FHIR request, from the environment (the script gets it from the server's token endpoint). */
	static final String BEARER = System.getenv().getOrDefault("FHIR_BEARER_TOKEN", "");

	static final Pattern FULL_URL = Pattern.compile("\"fullUrl\"\\s*:");
	static final Pattern PATIENT_REQUEST = Pattern.compile("\"url\"\\s*:\\s*\"Patient\"\\s*[,}]");
	static final Pattern ENTRY_STATUS = Pattern.compile("\"response\"\\s*:\\s*\\{\\s*\"status\"\\s*:\\s*\"(\\d{3})");
	static final Pattern PATIENT_ID = Pattern.compile("\"fullUrl\"\\s*:\\s*\"[^\"]*/Patient/([^\"/]+)\"");
	static final Pattern LOINC_CODE = Pattern.compile("\"system\"\\s*:\\s*\"http://loinc.org\"\\s*,\\s*\"code\"\\s*:\\s*\"([^\"]+)\"");

	static final HttpClient HTTP = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1) // what most FHIR clients speak; no h2c upgrade dance
			.connectTimeout(Duration.ofSeconds(10))
			.build();

	public static void main(String[] args) throws Exception {
		if (args.length == 0) usage();
		switch (args[0]) {
			case "corpus" -> corpus(Path.of(arg(args, 1)), args.length > 2 ? Long.parseLong(args[2]) : 0);
			case "ingest" -> ingest(Path.of(arg(args, 1)), Integer.parseInt(arg(args, 2)), loopbackBase(arg(args, 3)),
					args.length > 4 ? Long.parseLong(args[4]) : 0);
			case "clinic" -> clinic(loopbackBase(arg(args, 1)), Path.of(arg(args, 2)));
			case "mix" -> mix(loopbackBase(arg(args, 1)), Integer.parseInt(arg(args, 2)), Integer.parseInt(arg(args, 3)),
					args.length > 4 ? Integer.parseInt(args[4]) : 10, args.length > 5 ? args[5] : "2023-01-01");
			default -> usage();
		}
	}

	// ---------------------------------------------------------------- corpus and ingest

	/** One bundle file with what we need to know before posting it. */
	record Bundle(Path file, long bytes, boolean shared) {
		String name() { return file.getFileName().toString(); }
	}

	/**
	 * Synthea's hospital and practitioner bundles come first, in that order: patient bundles point at their
	 * Organizations/Practitioners by conditional reference, and PractitionerRoles point at Organizations.
	 * Patient bundles follow largest first, so the slowest one cannot be left alone at the end of a
	 * multi-threaded ingest, and a bundle the server refuses for its size fails the run early.
	 * Bundles above skipOverBytes (0 = none) are left out, for servers with a request size limit.
	 */
	static List<Bundle> listBundles(Path dir, long skipOverBytes) throws IOException {
		List<Bundle> all = new ArrayList<>();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
				String n = f.getFileName().toString();
				all.add(new Bundle(f, Files.size(f), n.startsWith("hospitalInformation") || n.startsWith("practitionerInformation")));
			}
		}
		if (all.isEmpty()) throw new IllegalStateException("no *.json bundles in " + dir);
		all.sort(Comparator.comparing((Bundle b) -> !b.name().startsWith("hospitalInformation"))
				.thenComparing(b -> !b.shared())
				.thenComparing(Comparator.comparingLong(Bundle::bytes).reversed())
				.thenComparing(Bundle::name));
		return all.stream().filter(b -> b.shared() || skipOverBytes <= 0 || b.bytes() <= skipOverBytes).toList();
	}

	static void corpus(Path dir, long skipOverBytes) throws IOException {
		List<Bundle> all = listBundles(dir, 0);
		List<Bundle> used = listBundles(dir, skipOverBytes);
		long entries = 0, patients = 0, bytes = 0, largest = 0;
		for (Bundle b : used) {
			String json = new String(Files.readAllBytes(b.file()), StandardCharsets.ISO_8859_1);
			entries += count(FULL_URL, json);
			patients += count(PATIENT_REQUEST, json);
			bytes += b.bytes();
			largest = Math.max(largest, b.bytes());
		}
		System.out.printf("RESULT corpus bundles=%d entries=%d patients=%d bytes=%d largest_bundle_bytes=%d skipped_bundles=%d%n",
				used.size(), entries, patients, bytes, largest, all.size() - used.size());
	}

	static void ingest(Path dir, int threads, String base, long skipOverBytes) throws Exception {
		List<Bundle> bundles = listBundles(dir, skipOverBytes);
		AtomicLong entries = new AtomicLong();
		AtomicBoolean failed = new AtomicBoolean();
		long start = System.nanoTime();
		// The shared bundles must be stored before any patient bundle refers to them: post them one by one.
		for (Bundle b : bundles) {
			if (b.shared() && !postBundle(b, base, entries)) failed.set(true);
		}
		ConcurrentLinkedQueue<Bundle> queue = new ConcurrentLinkedQueue<>(bundles.stream().filter(b -> !b.shared()).toList());
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads && !failed.get(); i++) {
			workers.add(start("ingest-" + i, () -> {
				Bundle b;
				while (!failed.get() && (b = queue.poll()) != null) {
					try {
						if (!postBundle(b, base, entries)) failed.set(true);
					} catch (Exception e) {
						System.out.println("FAILED " + b.name() + ": " + e);
						failed.set(true);
					}
				}
			}));
		}
		for (Thread t : workers) t.join();
		double seconds = (System.nanoTime() - start) / 1e9;
		if (failed.get()) {
			System.out.println("INGEST FAILED: the server refused a bundle (see above); no figures reported");
			System.exit(2);
		}
		System.out.printf(Locale.ROOT, "RESULT ingest threads=%d bundles=%d entries=%d seconds=%.2f resources_per_s=%.1f bundles_per_s=%.3f%n",
				threads, bundles.size(), entries.get(), seconds, entries.get() / seconds, bundles.size() / seconds);
	}

	/** POSTs one transaction/batch bundle; true when the request and every entry in it got a 2xx. */
	static boolean postBundle(Bundle b, String base, AtomicLong entries) throws IOException, InterruptedException {
		byte[] body = Files.readAllBytes(b.file());
		// ISO-8859-1 keeps the String at one byte per char; the ASCII keys we count are unaffected.
		int posted = count(FULL_URL, new String(body, StandardCharsets.ISO_8859_1));
		HttpRequest request = authorized(HttpRequest.newBuilder(URI.create(base)))
				.timeout(BUNDLE_TIMEOUT)
				.header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
				.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
		long t0 = System.nanoTime();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		double seconds = (System.nanoTime() - t0) / 1e9;
		// A batch (Synthea's hospital/practitioner bundles) answers 200 even when single entries fail,
		// so every entry status in the response is checked too.
		List<String> statuses = new ArrayList<>();
		Matcher m = ENTRY_STATUS.matcher(response.body());
		while (m.find()) statuses.add(m.group(1));
		boolean ok = is2xx(response.statusCode()) && statuses.size() == posted && statuses.stream().allMatch(s -> s.startsWith("2"));
		if (!ok) {
			System.out.printf("FAILED %s (%d entries, %d bytes): HTTP %d, %d entry responses, non-2xx entries: %s%n%s%n",
					b.name(), posted, body.length, response.statusCode(), statuses.size(),
					statuses.stream().filter(s -> !s.startsWith("2")).toList(), abbreviate(response.body(), 8000));
			return false;
		}
		entries.addAndGet(posted);
		System.out.printf(Locale.ROOT, "  ok %6d entries %8.2f s  %s%n", posted, seconds, b.name());
		return true;
	}

	// ---------------------------------------------------------------- the clinic of the mix

	/**
	 * The clinic the benchmark's doctor works for: an Organization and a Practitioner working there
	 * (PractitionerRole). The doctor then loads the corpus, and the server's registration rule gives
	 * each new patient a treatment Consent for the clinic, so the read mix runs under those Consents.
	 * Writes {@code practitioner=Practitioner/…} and {@code organization=Organization/…} lines to the result file.
	 */
	static void clinic(String base, Path resultFile) throws Exception {
		String organization = create(base, "Organization", "{\"resourceType\":\"Organization\",\"name\":\"Benchmark clinic\"}");
		String practitioner = create(base, "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Benchmark\"}]}");
		create(base, "PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"active\":true,\"practitioner\":{\"reference\":\""
				+ practitioner + "\"},\"organization\":{\"reference\":\"" + organization + "\"}}");
		Files.writeString(resultFile, "practitioner=" + practitioner + "\norganization=" + organization + "\n");
	}

	static String create(String base, String type, String json) throws IOException, InterruptedException {
		HttpResponse<String> created = post(base + "/" + type, json);
		requireOk(created, type + " create");
		String location = created.headers().firstValue("Location").orElseThrow();
		String path = location.substring(location.indexOf(type + "/"));
		return path.contains("/_history") ? path.substring(0, path.indexOf("/_history")) : path;
	}

	static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
		HttpRequest request = authorized(HttpRequest.newBuilder(URI.create(url))).timeout(READ_TIMEOUT)
				.header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON).POST(HttpRequest.BodyPublishers.ofString(json)).build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	// ---------------------------------------------------------------- read/search mix

	/** The request kinds of the mix; each builds its URL for one patient (and a LOINC code it has). */
	enum Kind {
		PATIENT_READ, OBSERVATION_BY_CODE, CONDITIONS, ALLERGIES, VITALS_SINCE, EVERYTHING;

		String path(String patient, String code, String since) {
			return switch (this) {
				case PATIENT_READ -> "Patient/" + patient;
				case OBSERVATION_BY_CODE -> "Observation?patient=" + patient + "&code=http://loinc.org%7C" + code;
				case CONDITIONS -> "Condition?patient=" + patient;
				case ALLERGIES -> "AllergyIntolerance?patient=" + patient;
				case VITALS_SINCE -> "Observation?patient=" + patient + "&category=vital-signs&date=ge" + since;
				case EVERYTHING -> "Patient/" + patient + "/$everything";
			};
		}
	}

	/** A patient of the loaded data with LOINC codes that really occur in its Observations. */
	record Target(String patient, List<String> codes) {}

	/** Latencies in nanoseconds, per kind, for one connection (no sharing, so no locking in the hot loop). */
	static final class Recorder {
		final long[][] nanos = new long[Kind.values().length][1024];
		final int[] sizes = new int[Kind.values().length];
		final int[] errors = new int[Kind.values().length];

		void add(Kind k, long ns) {
			int i = k.ordinal();
			if (sizes[i] == nanos[i].length) nanos[i] = Arrays.copyOf(nanos[i], sizes[i] * 2);
			nanos[i][sizes[i]++] = ns;
		}
	}

	static void mix(String base, int connections, int seconds, int warmupSeconds, String since) throws Exception {
		List<Target> targets = discoverTargets(base);
		System.out.printf("mix: %d patients, %d connections, %d s warm-up + %d s measured, vitals since %s%n",
				targets.size(), connections, warmupSeconds, seconds, since);
		List<String> errorSamples = new ArrayList<>();
		runPhase(base, targets, connections, warmupSeconds, since, errorSamples, 1); // JIT and caches; not reported
		errorSamples.clear();
		long start = System.nanoTime();
		List<Recorder> recorders = runPhase(base, targets, connections, seconds, since, errorSamples, 2);
		double elapsed = (System.nanoTime() - start) / 1e9;

		System.out.printf("%-20s %8s %9s %9s %9s %7s%n", "kind", "requests", "req/s", "p50 ms", "p99 ms", "errors");
		List<long[]> allKinds = new ArrayList<>();
		int allErrors = 0;
		for (Kind k : Kind.values()) {
			long[] lat = merged(recorders, k);
			int errors = recorders.stream().mapToInt(r -> r.errors[k.ordinal()]).sum();
			allKinds.add(lat);
			allErrors += errors;
			printRow(k.name().toLowerCase(Locale.ROOT), lat, errors, elapsed);
			System.out.printf(Locale.ROOT, "RESULT kind=%s requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f errors=%d%n",
					k.name().toLowerCase(Locale.ROOT), lat.length, lat.length / elapsed, pct(lat, 50), pct(lat, 99), errors);
		}
		long[] all = allKinds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		printRow("all", all, allErrors, elapsed);
		errorSamples.forEach(s -> System.out.println("ERROR SAMPLE " + s));
		System.out.printf(Locale.ROOT, "RESULT mix connections=%d seconds=%.2f requests=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f errors=%d%n",
				connections, elapsed, all.length, all.length / elapsed, pct(all, 50), pct(all, 99), allErrors);
	}

	/** Patient ids from the server, and for each the LOINC codes of its first Observations (bounded requests). */
	static List<Target> discoverTargets(String base) throws IOException, InterruptedException {
		HttpResponse<String> page = get(base + "/Patient?_count=500&_elements=id");
		requireOk(page, "Patient search");
		Set<String> ids = new LinkedHashSet<>(matches(PATIENT_ID, page.body()));
		if (ids.isEmpty()) throw new IllegalStateException("no Patient on the server: load the corpus first");
		Map<String, Integer> codeFrequency = new HashMap<>();
		Map<String, List<String>> codesByPatient = new HashMap<>();
		for (String id : ids.stream().limit(200).toList()) {
			HttpResponse<String> obs = get(base + "/Observation?patient=" + id + "&_count=100&_elements=code");
			requireOk(obs, "Observation search");
			List<String> codes = List.copyOf(new LinkedHashSet<>(matches(LOINC_CODE, obs.body())));
			codes.forEach(c -> codeFrequency.merge(c, 1, Integer::sum));
			codesByPatient.put(id, codes);
		}
		// Prefer codes many patients share (vital signs, common labs), as a clinician's app would ask for.
		String mostCommon = codeFrequency.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("8302-2");
		List<Target> targets = new ArrayList<>();
		for (String id : codesByPatient.keySet().stream().sorted().toList()) {
			List<String> common = codesByPatient.get(id).stream().filter(c -> codeFrequency.get(c) > 1).toList();
			targets.add(new Target(id, common.isEmpty() ? List.of(mostCommon) : common));
		}
		return targets;
	}

	/** Runs the mix on `connections` threads for `seconds`; each thread has its own seeded generator and Recorder. */
	static List<Recorder> runPhase(String base, List<Target> targets, int connections, int seconds, String since,
			List<String> errorSamples, long seed) throws InterruptedException {
		long deadline = System.nanoTime() + seconds * 1_000_000_000L;
		List<Recorder> recorders = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < connections; c++) {
			Recorder rec = new Recorder();
			// SplittableRandom, not Random: Random's first draws are correlated for neighbouring seeds.
			SplittableRandom random = new SplittableRandom(seed * 1000 + c);
			recorders.add(rec);
			threads.add(start("mix-" + c, () -> {
				for (long n = 0; n < MAX_REQUESTS_PER_CONNECTION && System.nanoTime() < deadline; n++) {
					Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
					Target t = targets.get(random.nextInt(targets.size()));
					String url = base + "/" + kind.path(t.patient(), t.codes().get(random.nextInt(t.codes().size())), since);
					long t0 = System.nanoTime();
					String problem;
					try {
						HttpResponse<String> r = get(url);
						problem = is2xx(r.statusCode()) ? null : "HTTP " + r.statusCode() + " " + abbreviate(r.body(), 600);
					} catch (IOException e) {
						problem = e.toString();
					} catch (InterruptedException e) {
						return;
					}
					rec.add(kind, System.nanoTime() - t0);
					if (problem != null) {
						rec.errors[kind.ordinal()]++;
						synchronized (errorSamples) {
							if (errorSamples.size() < 5) errorSamples.add(url + " -> " + problem);
						}
					}
				}
			}));
		}
		for (Thread t : threads) t.join();
		return recorders;
	}

	// ---------------------------------------------------------------- helpers

	static Thread start(String name, Runnable body) {
		Thread t = new Thread(body, name);
		t.start();
		return t;
	}

	static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		HttpRequest request = authorized(HttpRequest.newBuilder(URI.create(url))).timeout(READ_TIMEOUT).header("Accept", FHIR_JSON).GET().build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static HttpRequest.Builder authorized(HttpRequest.Builder request) {
		return BEARER.isEmpty() ? request : request.header("Authorization", "Bearer " + BEARER);
	}

	static void requireOk(HttpResponse<String> r, String what) {
		if (!is2xx(r.statusCode())) throw new IllegalStateException(what + " failed: HTTP " + r.statusCode() + " " + abbreviate(r.body(), 2000));
	}

	static long[] merged(List<Recorder> recorders, Kind k) {
		return recorders.stream().flatMapToLong(r -> Arrays.stream(r.nanos[k.ordinal()], 0, r.sizes[k.ordinal()])).sorted().toArray();
	}

	/** Nearest-rank percentile of sorted nanoseconds, in milliseconds (NaN when there is no sample). */
	static double pct(long[] sorted, int p) {
		if (sorted.length == 0) return Double.NaN;
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, rank - 1)] / 1e6;
	}

	static void printRow(String name, long[] lat, int errors, double elapsed) {
		System.out.printf(Locale.ROOT, "%-20s %8d %9.1f %9.1f %9.1f %7d%n", name, lat.length, lat.length / elapsed, pct(lat, 50), pct(lat, 99), errors);
	}

	static boolean is2xx(int status) { return status >= 200 && status < 300; }

	static int count(Pattern p, String s) {
		Matcher m = p.matcher(s);
		int n = 0;
		while (m.find()) n++;
		return n;
	}

	static List<String> matches(Pattern p, String s) {
		List<String> found = new ArrayList<>();
		Matcher m = p.matcher(s);
		while (m.find()) found.add(m.group(1));
		return found;
	}

	static String abbreviate(String s, int max) { return s.length() <= max ? s : s.substring(0, max) + " ...[" + s.length() + " chars]"; }

	/** The benchmark must never send traffic off this machine: only loopback base URLs are accepted. */
	static String loopbackBase(String base) {
		String host = URI.create(base).getHost();
		if (host == null || !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"))) {
			throw new IllegalArgumentException("refusing non-loopback base URL " + base);
		}
		return base.replaceAll("/+$", "");
	}

	static String arg(String[] args, int i) {
		if (args.length <= i) usage();
		return args[i];
	}

	static void usage() {
		System.err.println("""
				usage: java LoadClient.java corpus <dir> [skipOverBytes]
				       java LoadClient.java ingest <dir> <threads> <baseUrl> [skipOverBytes]
				       java LoadClient.java clinic <baseUrl> <resultFile>
				       java LoadClient.java mix <baseUrl> <connections> <seconds> [warmupSeconds] [sinceDate]""");
		System.exit(64);
	}
}
