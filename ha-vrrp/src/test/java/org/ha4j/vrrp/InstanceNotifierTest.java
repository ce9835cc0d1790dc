package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux instance's notify port driven by the driver in virtual time: listeners in registration
 * order (a throwing one does not stop the next), then keepalived's notify scripts, in transition
 * order.
 */
class InstanceNotifierTest {

  @TempDir Path dir;

  @Test
  void listenersThenScriptsHearEveryTransitionInOrder() throws IOException {
    Path log = dir.resolve("notify.log");
    Path script = dir.resolve("notify.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + log + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    List<String> heard = new ArrayList<>();
    VrrpInstance instance =
        VrrpInstance.builder().name("VI_1").interfaceName("eth0").virtualRouterId(51).build();
    VrrpListener throwing =
        new VrrpListener() {
          @Override
          public void onStateChange(VrrpInstance i, VrrpState from, VrrpState to, String reason) {
            heard.add("first " + to);
            throw new IllegalStateException("a broken listener");
          }
        };
    VrrpListener second =
        new VrrpListener() {
          @Override
          public void onStateChange(VrrpInstance i, VrrpState from, VrrpState to, String reason) {
            heard.add("second " + to + " from " + i.name());
          }
        };
    VirtualScheduler clock = new VirtualScheduler();
    NotifyRunner runner = new NotifyRunner("VI_1");
    VrrpDriver driver =
        VrrpDriver.builder(
                VrrpStateMachine.create(
                    VrrpRouterConfig.builder()
                        .instanceName("VI_1")
                        .virtualRouterId(51)
                        .priority(100)
                        .primaryAddress(Ipv4Address.parse("10.200.0.10"))
                        .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
                        .build()))
            .scheduler(clock)
            .adverts(advert -> {})
            .addresses(
                new VirtualAddressTable() {
                  @Override
                  public void add(List<Ipv4Cidr> addresses) {}

                  @Override
                  public void remove(List<Ipv4Cidr> addresses) {}
                })
            .announcer((addresses, repeat) -> {})
            .notifier(
                new InstanceNotifier(
                    instance,
                    List.of(throwing, second),
                    NotifyScripts.none().withNotify(script.toString()),
                    runner))
            .build();

    driver.handle(VrrpInput.start());
    clock.advanceBy(Duration.ofSeconds(4)); // Master_Down_Interval 3.609 s
    driver.stop();
    runner.close(); // waits for the queued scripts

    assertThat(heard)
        .containsExactly(
            "first BACKUP", "second BACKUP from VI_1",
            "first MASTER", "second MASTER from VI_1",
            "first INITIALIZE", "second INITIALIZE from VI_1");
    assertThat(Files.readAllLines(log))
        .containsExactly(
            "INSTANCE VI_1 BACKUP 100", "INSTANCE VI_1 MASTER 100", "INSTANCE VI_1 STOP 100");
  }

  @Test
  void aReconfigureSwapsListenersAndScriptsForEveryLaterEvent() throws IOException {
    Path log = dir.resolve("notify.log");
    Path oldScript = script("old.sh", "echo old \"$@\" >> " + log);
    Path newScript = script("new.sh", "echo new \"$@\" >> " + log);
    List<String> heard = new ArrayList<>();
    VrrpInstance instance =
        VrrpInstance.builder().name("VI_1").interfaceName("eth0").virtualRouterId(51).build();
    NotifyRunner runner = new NotifyRunner("VI_1");
    InstanceNotifier notifier =
        new InstanceNotifier(
            instance,
            List.of(recorder("old", heard)),
            NotifyScripts.none().withMaster(oldScript.toString()),
            runner);

    notifier.stateChanged(VrrpState.BACKUP, VrrpState.MASTER, "first", 100);
    notifier.adopt(
        List.of(recorder("new", heard)), NotifyScripts.none().withMaster(newScript.toString()));
    notifier.reconfigured("priority 100 -> 110");
    notifier.stateChanged(VrrpState.BACKUP, VrrpState.MASTER, "second", 110);
    runner.close();

    assertThat(heard)
        .containsExactly("old MASTER", "new reconfigured priority 100 -> 110", "new MASTER");
    assertThat(Files.readAllLines(log)).containsExactly("old", "new");
  }

  private Path script(String name, String line) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + line + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static VrrpListener recorder(String who, List<String> heard) {
    return new VrrpListener() {
      @Override
      public void onStateChange(VrrpInstance i, VrrpState from, VrrpState to, String reason) {
        heard.add(who + " " + to);
      }

      @Override
      public void onReconfigure(VrrpInstance i, String changes) {
        heard.add(who + " reconfigured " + changes);
      }
    };
  }
}
