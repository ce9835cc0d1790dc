package org.ha4j.benchmarks.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.net.TcpProbe;
import org.ha4j.health.os.ExecProbe;
import org.ha4j.health.os.ProcessProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one health check costs, end to end: the reference deployment's way (fork a shell that runs
 * {@code ps | grep | egrep}) against ha4j's process probe (one pass over /proc in the JVM), plus
 * the exec probe's own overhead (fork, exec, session scan) and a loopback TCP connect.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ProbeCostBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProbeCostBenchmark {

  private SystemScheduler scheduler;
  private ExecutorService executor;
  private ServerSocket server;
  private AsyncProbe processProbe;
  private AsyncProbe execTrue;
  private AsyncProbe seedPipeline;
  private AsyncProbe tcp;

  @Setup
  public void setUp() throws IOException {
    scheduler = new SystemScheduler("bench-health");
    executor = Executors.newFixedThreadPool(4);
    server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  server.accept().close();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "bench-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    processProbe = ProcessProbe.named("nginx").build();
    execTrue = ExecProbe.builder("true").build();
    seedPipeline =
        ExecProbe.builder(
                List.of(
                    "sh",
                    "-c",
                    "count=$(ps -ef |grep nginx |egrep -cv \"grep|$$\"); "
                        + "[ \"$count\" -ne 0 ]"))
            .build();
    tcp = TcpProbe.connect("127.0.0.1", server.getLocalPort());
  }

  @TearDown
  public void tearDown() throws IOException {
    server.close();
    scheduler.close();
    executor.shutdownNow();
  }

  private ProbeResult run(AsyncProbe probe) {
    return probe
        .start(ProbeContext.of(Duration.ofSeconds(10), scheduler, executor))
        .toCompletableFuture()
        .join();
  }

  @Benchmark
  public ProbeResult processProbeByName() {
    return run(processProbe);
  }

  @Benchmark
  public ProbeResult seedCheckNginxPipeline() {
    return run(seedPipeline);
  }

  @Benchmark
  public ProbeResult execTrue() {
    return run(execTrue);
  }

  @Benchmark
  public ProbeResult tcpConnectLoopback() {
    return run(tcp);
  }
}
