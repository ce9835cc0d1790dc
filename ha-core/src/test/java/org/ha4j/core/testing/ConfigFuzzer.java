package org.ha4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.config.ConfigText;

/**
 * Seeded fuzzing of a config reader: mutated versions of a real file and random bytes go in, and
 * the reader must either load the text or throw a {@link ConfigException} whose every problem names
 * this file and a line that exists, in a message of bounded length; never another exception, never
 * a hang.
 *
 * <p>Each input comes from its own {@code Random(seed, index)}, so a failure prints the one pair
 * that replays it: {@code -Dha4j.fuzz.seed=S -Dha4j.fuzz.only=I}. {@code -Dha4j.fuzz.inputs=N} runs
 * more.
 */
public final class ConfigFuzzer {

  /**
   * What is fuzzed: a reader of text that was decoded as {@code ConfigFiles.read} decodes a file.
   */
  @FunctionalInterface
  public interface Reader {
    void read(String fileName, String text) throws ConfigException;
  }

  /** Bytes that no one types but editors, encodings and attackers produce. */
  private static final List<byte[]> HOSTILE =
      List.of(
          bytes("{"),
          bytes("}"),
          bytes(";"),
          bytes("\""),
          bytes("'"),
          bytes("#"),
          bytes("!"),
          bytes("\n"),
          bytes("\\"),
          bytes("\r\n"),
          bytes("\t"),
          bytes(" "),
          bytes("\u0000"),
          bytes("\uFEFF"),
          bytes("99999999999999999999999"),
          bytes("-1"),
          bytes("0"),
          bytes("65536"),
          bytes("300y"),
          bytes("999999999999y"),
          bytes("١٠"),
          bytes("٢٤"),
          bytes("１"),
          bytes("/33"),
          bytes("/٢٤"),
          bytes(":"),
          bytes("::1"),
          bytes("[::1]:80"),
          bytes("0.000001"),
          bytes("1e9"),
          bytes("NaN"),
          bytes("$"),
          bytes("weight="),
          bytes("max_fails="),
          bytes("fail_timeout="),
          bytes("backlog="),
          bytes("zone="),
          bytes("unix:/x"),
          bytes("include"),
          bytes("reverse"),
          bytes("1h 30m"),
          bytes("ms"),
          new byte[] {(byte) 0xFF},
          new byte[] {(byte) 0xC3},
          new byte[] {(byte) 0xE6, (byte) 0xB3},
          "注释".getBytes(Charset.forName("GBK")),
          bytes("x".repeat(5_000)),
          bytes("{".repeat(100)));

  private static final long INPUT_TIME_LIMIT_MS = 2_000;

  /** One problem line and the cap on their number (ConfigProblems keeps 100 and one summary). */
  private static final int MAX_PROBLEM_CHARS = 1_200;

  private static final int MAX_PROBLEMS = 101;

  private final String fileName;
  private final List<byte[]> seedFiles;
  private final List<byte[]> words = new ArrayList<>();
  private final Reader reader;
  private int loaded;

  private ConfigFuzzer(String fileName, List<byte[]> seedFiles, Reader reader) {
    this.fileName = fileName;
    this.seedFiles = List.copyOf(seedFiles);
    this.reader = reader;
    for (byte[] seedFile : seedFiles) {
      words.addAll(wordsOf(new String(seedFile, StandardCharsets.UTF_8)));
    }
  }

  /**
   * Runs {@code mutated} mutations of the seed files and {@code random} random byte strings through
   * {@code reader}, with the seed from {@code -Dha4j.fuzz.seed} or {@code defaultSeed}. The seed
   * files should load as they are (each is checked), so that mutations explore near valid input.
   *
   * @return how many inputs loaded (the rest were rejected with a named problem)
   */
  public static int run(
      String fileName,
      List<byte[]> seedFiles,
      int mutated,
      int random,
      long defaultSeed,
      Reader reader)
      throws Exception {
    for (byte[] seedFile : seedFiles) {
      reader.read(fileName, ConfigText.decode(seedFile));
    }
    ConfigFuzzer fuzzer = new ConfigFuzzer(fileName, seedFiles, reader);
    fuzzer.run(mutated, random, Long.getLong("ha4j.fuzz.seed", defaultSeed));
    return fuzzer.loaded;
  }

  private void run(int mutated, int random, long seed) throws Exception {
    int scale = Integer.getInteger("ha4j.fuzz.inputs", mutated + random);
    int mutatedCount = (int) ((long) mutated * scale / (mutated + random));
    int total = scale;
    Integer only = Integer.getInteger("ha4j.fuzz.only");
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "config-fuzz");
              thread.setDaemon(true);
              return thread;
            });
    try {
      for (int index = 0; index < total; index++) {
        if (only != null && only != index) {
          continue;
        }
        Random rng = new Random(seed * 1_000_003L + index);
        byte[] input = index < mutatedCount ? mutate(rng) : randomBytes(rng);
        check(worker, input, seed, index);
      }
    } finally {
      worker.shutdownNow();
    }
  }

  private void check(ExecutorService worker, byte[] input, long seed, int index) throws Exception {
    String text = ConfigText.decode(input);
    Future<ConfigException> outcome =
        worker.submit(
            () -> {
              try {
                reader.read(fileName, text);
                return null;
              } catch (ConfigException e) {
                return e;
              }
            });
    ConfigException rejected;
    try {
      rejected = outcome.get(INPUT_TIME_LIMIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      outcome.cancel(true);
      throw new AssertionError(
          replay(seed, index, input) + ": no answer within " + INPUT_TIME_LIMIT_MS + " ms");
    } catch (ExecutionException e) {
      throw new AssertionError(
          replay(seed, index, input) + ": threw " + e.getCause(), e.getCause());
    }
    if (rejected == null) {
      loaded++;
      return;
    }
    long lines = text.chars().filter(c -> c == '\n').count() + 1;
    List<ConfigProblem> problems = rejected.problems();
    assertThat(problems)
        .as(replay(seed, index, input))
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(MAX_PROBLEMS);
    assertThat(problems).as(replay(seed, index, input)).anyMatch(ConfigProblem::isError);
    for (ConfigProblem problem : problems) {
      if (problem.location().file().equals(fileName)) {
        assertThat((long) problem.location().line())
            .as(replay(seed, index, input) + ": " + problem)
            .isBetween(1L, lines);
      } else {
        // A mutant may include a file of this host (the seed's http {} includes mime.types): a
        // problem there names that file, which must exist.
        assertThat(java.nio.file.Path.of(problem.location().file()))
            .as(replay(seed, index, input) + ": " + problem)
            .exists();
      }
      assertThat(problem.toString().length())
          .as(replay(seed, index, input) + ": " + problem)
          .isLessThanOrEqualTo(MAX_PROBLEM_CHARS);
    }
  }

  private static String replay(long seed, int index, byte[] input) {
    return "input -Dha4j.fuzz.seed="
        + seed
        + " -Dha4j.fuzz.only="
        + index
        + " ("
        + ConfigText.echo(new String(input, StandardCharsets.ISO_8859_1))
        + ")";
  }

  private byte[] mutate(Random rng) {
    byte[] seedFile = seedFiles.get(rng.nextInt(seedFiles.size()));
    List<Byte> out = new ArrayList<>(seedFile.length + 64);
    for (byte b : seedFile) {
      out.add(b);
    }
    // Mostly one or two mutations, so most inputs stay close enough to valid to reach the value
    // parsers.
    int mutations = rng.nextInt(4) < 3 ? 1 + rng.nextInt(2) : 3 + rng.nextInt(6);
    for (int m = 0; m < mutations; m++) {
      int at = out.isEmpty() ? 0 : rng.nextInt(out.size() + 1);
      switch (rng.nextInt(10)) {
        case 0 -> {
          if (!out.isEmpty()) {
            out.set(Math.min(at, out.size() - 1), (byte) rng.nextInt(256));
          }
        }
        case 1 -> {
          int end = Math.min(out.size(), at + 1 + rng.nextInt(40));
          out.subList(at, end).clear();
        }
        case 2 -> insert(out, at, HOSTILE.get(rng.nextInt(HOSTILE.size())));
        case 3 -> insert(out, at, words.get(rng.nextInt(words.size())));
        case 4 -> {
          int end = Math.min(out.size(), at + 1 + rng.nextInt(200));
          List<Byte> copy = new ArrayList<>(out.subList(at, end));
          out.addAll(rng.nextInt(out.size() + 1), copy);
        }
        case 5 -> out.subList(Math.min(at, out.size()), out.size()).clear();
        case 6, 7, 8 ->
            replaceToken(
                out,
                rng,
                rng.nextBoolean()
                    ? HOSTILE.get(rng.nextInt(HOSTILE.size()))
                    : words.get(rng.nextInt(words.size())));
        default -> {
          int end = Math.min(out.size(), at + 1 + rng.nextInt(12));
          out.subList(at, end).clear();
          insert(out, at, words.get(rng.nextInt(words.size())));
        }
      }
    }
    byte[] bytes = new byte[out.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = out.get(i);
    }
    return bytes;
  }

  private static byte[] randomBytes(Random rng) {
    byte[] bytes = new byte[rng.nextInt(2_000)];
    if (rng.nextBoolean()) {
      rng.nextBytes(bytes);
      return bytes;
    }
    // Random text from the characters the syntax gives meaning to, which random bytes rarely hit.
    byte[] alphabet = bytes("{};\"'#!\n \\ab1.:/=-");
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = alphabet[rng.nextInt(alphabet.length)];
    }
    return bytes;
  }

  /**
   * Replaces one whole token, chosen uniformly among the tokens (not the bytes, which would favour
   * long comments): a value becomes another value, where the loaders' value parsers look.
   */
  private static void replaceToken(List<Byte> out, Random rng, byte[] replacement) {
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      if (!isSeparator(out.get(i)) && (i == 0 || isSeparator(out.get(i - 1)))) {
        starts.add(i);
      }
    }
    int start = starts.isEmpty() ? 0 : starts.get(rng.nextInt(starts.size()));
    int end = start;
    while (end < out.size() && !isSeparator(out.get(end))) {
      end++;
    }
    out.subList(start, end).clear();
    insert(out, start, replacement);
  }

  private static boolean isSeparator(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == ';' || b == '{' || b == '}';
  }

  private static void insert(List<Byte> out, int at, byte[] bytes) {
    List<Byte> boxed = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      boxed.add(b);
    }
    out.addAll(Math.min(at, out.size()), boxed);
  }

  private static List<byte[]> wordsOf(String text) {
    List<byte[]> words = new ArrayList<>();
    for (String word : text.split("[\\s;{}]+")) {
      if (!word.isEmpty()) {
        words.add(bytes(word));
      }
    }
    words.add(bytes("x"));
    return words;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
