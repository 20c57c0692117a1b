import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server spent its CPU, from a JFR recording (bench/run.sh with PROFILE=1): the methods on top
 * of the most execution samples (self time), the share of samples in which each of this project's
 * classes is on the stack (inclusive: what an interceptor costs with everything it calls), and the
 * inclusive share of the packages of the stacks.
 *
 * <p>Usage: {@code java bench/JfrTop.java recording.jfr [rows] [first-seconds]}; with first-seconds,
 * only the samples of that many seconds from the recording's start (the server's start-up). A single-file program on the JDK's
 * own {@code jdk.jfr.consumer} API, like the load client.
 */
public class JfrTop {

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("usage: java bench/JfrTop.java recording.jfr [rows] [first-seconds]");
			System.exit(2);
		}
		int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
		double firstSeconds = args.length > 2 ? Double.parseDouble(args[2]) : Double.MAX_VALUE;
		java.time.Instant start = null;
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> projectClasses = new HashMap<>();
		Map<String, Integer> packages = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
				continue;
			}
			if (start == null || event.getStartTime().isBefore(start)) {
				start = start == null ? event.getStartTime() : start;
			}
			if (java.time.Duration.between(start, event.getStartTime()).toMillis() > firstSeconds * 1000) {
				continue;
			}
			List<RecordedFrame> frames = event.getStackTrace().getFrames();
			if (frames.isEmpty()) {
				continue;
			}
			samples++;
			self.merge(method(frames.get(0)), 1, Integer::sum);
			Set<String> seenClasses = new HashSet<>();
			Set<String> seenPackages = new HashSet<>();
			for (RecordedFrame frame : frames) {
				String type = frame.getMethod().getType().getName();
				if (type.startsWith("org.consentfhir.") && seenClasses.add(type)) {
					projectClasses.merge(type, 1, Integer::sum);
				}
				String pkg = packageOf(type);
				if (seenPackages.add(pkg)) {
					packages.merge(pkg, 1, Integer::sum);
				}
			}
		}
		System.out.printf("%s: %d execution samples%n", args[0], samples);
		print("self (top of stack)", self, samples, rows);
		print("this project's classes on the stack (inclusive)", projectClasses, samples, rows);
		print("packages on the stack (inclusive, first four name parts)", packages, samples, rows);
	}

	private static String method(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static String packageOf(String type) {
		String[] parts = type.split("\\.");
		int keep = Math.min(4, Math.max(1, parts.length - 1));
		return String.join(".", java.util.Arrays.copyOf(parts, keep));
	}

	private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
		System.out.printf("%n| %s | samples | share |%n| --- | --- | --- |%n", title);
		counts.entrySet().stream()
				.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
				.limit(rows)
				.forEach(e -> System.out.printf("| %s | %d | %.1f %% |%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, samples)));
	}
}
