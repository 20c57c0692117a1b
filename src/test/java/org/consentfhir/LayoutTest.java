package org.consentfhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of the two source trees (docs/architecture.md): {@code interceptors/} is the policy engine,
 * every class HAPI calls at a pointcut and the decisions it makes, with no Spring, no persistence and
 * nothing of the server; {@code src/} is the server that wires and stores, with no {@code @Hook}.
 * Packages of the same name in the two trees are one capability, and no package depends on itself
 * through others. Read from the source files, comments and strings left out.
 */
class LayoutTest {

	private static final Path ENGINE = Path.of("interceptors/src/main/java");
	private static final Path SERVER = Path.of("src/main/java");
	private static final String ENGINE_ROOT = "org.consentfhir.interceptors";
	private static final String SERVER_ROOT = "org.consentfhir";

	/** What the engine must not use, imported or written out: Spring, JPA and Hibernate, JDBC. */
	private static final Pattern NOT_IN_THE_ENGINE = Pattern.compile(
			"\\b(?:org\\.springframework|jakarta\\.persistence|javax\\.persistence|org\\.hibernate|java\\.sql|javax\\.sql)\\.[\\w.]+");

	/** HAPI's {@code @Hook}, imported or written out. */
	private static final Pattern HOOK = Pattern.compile("@(?:ca\\.uhn\\.fhir\\.interceptor\\.api\\.)?Hook\\b");

	private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
	/** A class named by its package, in an import or written out in the code: org.consentfhir.a.b.Name. */
	private static final Pattern PROJECT_CLASS = Pattern.compile("\\b(org\\.consentfhir(?:\\.[a-z]\\w*)*)\\.[A-Z]");

	@Test
	void theEngineImportsNeitherSpringNorPersistenceNorTheServer() {
		List<String> breaches = new ArrayList<>();
		for (Source source : sources(ENGINE)) {
			Matcher forbidden = NOT_IN_THE_ENGINE.matcher(source.code());
			while (forbidden.find()) {
				breaches.add(source.path() + " uses " + forbidden.group());
			}
			Matcher named = PROJECT_CLASS.matcher(source.code());
			while (named.find()) {
				if (!isEnginePackage(named.group(1))) {
					breaches.add(source.path() + " uses the server's " + named.group(1));
				}
			}
		}
		assertThat(breaches).as("the engine (interceptors/) stays free of Spring, persistence and the server").isEmpty();
	}

	@Test
	void noHookLivesInTheServer() {
		List<String> breaches = sources(SERVER).stream()
				.filter(source -> HOOK.matcher(source.code()).find())
				.map(source -> source.path().toString())
				.toList();
		assertThat(breaches).as("classes HAPI calls at a pointcut belong to the engine (interceptors/)").isEmpty();
	}

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		Map<String, Map<String, String>> uses = new TreeMap<>(); // package -> package it uses -> one file that does
		for (Path root : List.of(SERVER, ENGINE)) {
			for (Source source : sources(root)) {
				String from = capability(source.packageName());
				Matcher named = PROJECT_CLASS.matcher(source.code());
				while (named.find()) {
					String to = capability(named.group(1));
					if (!to.equals(from)) {
						uses.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, source.path().toString());
					}
				}
			}
		}
		assertThat(cycles(uses)).as("cycles between packages (a → b: the file of a that uses b)").isEmpty();
	}

	/**
	 * The package below the tree's root, the engine's and the server's of the same name taken as one
	 * ({@code org.consentfhir.interceptors.consent} and {@code org.consentfhir.consent} are
	 * {@code consent}); a sub-package such as the built-in authorization server, {@code auth.server},
	 * is a package of its own.
	 */
	private static String capability(String packageName) {
		if (isEnginePackage(packageName)) {
			return packageName.equals(ENGINE_ROOT) ? "(engine root)" : packageName.substring(ENGINE_ROOT.length() + 1);
		}
		return packageName.equals(SERVER_ROOT) ? "(server root)" : packageName.substring(SERVER_ROOT.length() + 1);
	}

	private static boolean isEnginePackage(String packageName) {
		return packageName.equals(ENGINE_ROOT) || packageName.startsWith(ENGINE_ROOT + ".");
	}

	/** Each cycle of the graph once, as "a → b (file) → … → a", found by a depth-first walk. */
	private static List<String> cycles(Map<String, Map<String, String>> uses) {
		List<String> found = new ArrayList<>();
		Set<String> done = new TreeSet<>();
		for (String start : uses.keySet()) {
			walk(start, new LinkedHashMap<>(), uses, done, found);
		}
		return found;
	}

	private static void walk(String node, LinkedHashMap<String, String> path, Map<String, Map<String, String>> uses,
			Set<String> done, List<String> found) {
		if (path.containsKey(node)) {
			List<String> names = new ArrayList<>(path.keySet());
			StringBuilder cycle = new StringBuilder();
			for (String step : names.subList(names.indexOf(node), names.size())) {
				cycle.append(step).append(" → (").append(path.get(step)).append(") ");
			}
			found.add(cycle.append(node).toString());
			return;
		}
		if (done.contains(node)) {
			return;
		}
		for (Map.Entry<String, String> next : uses.getOrDefault(node, Map.of()).entrySet()) {
			path.put(node, next.getValue());
			walk(next.getKey(), path, uses, done, found);
			path.remove(node);
		}
		done.add(node);
	}

	private record Source(Path path, String packageName, String code) {}

	private static List<Source> sources(Path root) {
		assertThat(root).as("run from the project directory").isDirectory();
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(file -> file.toString().endsWith(".java")).sorted().map(LayoutTest::read).toList();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static Source read(Path file) {
		try {
			String code = withoutCommentsAndStrings(Files.readString(file));
			Matcher packageName = PACKAGE.matcher(code);
			assertThat(packageName.find()).as(file + " has a package").isTrue();
			return new Source(file, packageName.group(1), code);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Java source with comments, string and character literals and text blocks blanked out, line breaks kept. */
	static String withoutCommentsAndStrings(String source) {
		StringBuilder code = new StringBuilder(source.length());
		int i = 0;
		int n = source.length();
		while (i < n) {
			if (source.startsWith("//", i)) {
				int end = source.indexOf('\n', i);
				i = end < 0 ? n : end;
			} else if (source.startsWith("/*", i)) {
				int end = source.indexOf("*/", i + 2);
				int stop = end < 0 ? n : end + 2;
				source.substring(i, stop).chars().filter(c -> c == '\n').forEach(c -> code.append('\n'));
				i = stop;
			} else if (source.startsWith("\"\"\"", i)) {
				int end = source.indexOf("\"\"\"", i + 3);
				int stop = end < 0 ? n : end + 3;
				source.substring(i, stop).chars().filter(c -> c == '\n').forEach(c -> code.append('\n'));
				code.append("\"\"");
				i = stop;
			} else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
				char quote = source.charAt(i);
				int j = i + 1;
				while (j < n && source.charAt(j) != quote && source.charAt(j) != '\n') {
					j += source.charAt(j) == '\\' ? 2 : 1;
				}
				code.append(quote).append(quote);
				i = Math.min(j + 1, n);
			} else {
				code.append(source.charAt(i));
				i++;
			}
		}
		return code.toString();
	}
}
