package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium, against a scheduler on the test broker and S3 store: the page asks for the
 * token and says clearly when it is wrong, shows a job that just ran with its status, each backup's size and
 * verification, the dry run of the next rotation, and its "Run now" button requests a run. Skipped only when the Debian
 * packages {@code chromium} and {@code chromium-driver} are not installed.
 */
@Timeout(240)
class DashboardIT {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<Path> CHROMIUM = List.of(Path.of("/usr/lib/chromium/chromium"), Path.of("/usr/bin/chromium"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void thePageShowsJobsRunsBackupsAndRetentionAndRunsAJobWithTheToken() throws Exception {
        Optional<Path> chromium = CHROMIUM.stream().filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && chromium.isPresent(),
                "the dashboard test needs a headless Chromium: install the Debian packages chromium and chromium-driver"
                        + " (/usr/bin/chromedriver, /usr/bin/chromium)");

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String series = "dash-" + suffix;
        String backup = "it-dash-backup-" + suffix;
        String rotate = "it-dash-rotate-" + suffix;
        String b = "--offsite.scheduler.jobs." + backup + ".";
        String r = "--offsite.scheduler.jobs." + rotate + ".";
        String policy = "--offsite.scheduler.dashboard.retention." + series + ".";
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        String newest = key(series, today.minus(1, ChronoUnit.DAYS));
        String failedVerification = key(series, today.minus(3, ChronoUnit.DAYS));
        String verified = key(series, today.minus(10, ChronoUnit.DAYS));
        String old = key(series, today.minus(40, ChronoUnit.DAYS));

        try (var store = new ObjectStore(StorageProperties.of(LocalStack.s3().endpoint(), LocalStack.s3().accessKey(),
                LocalStack.s3().secretKey(), LocalStack.s3().bucket()))) {
            int size = 40_000;
            for (String key : List.of(old, verified, failedVerification, newest)) {
                store.putSmall(key, new byte[size], "application/gzip", Map.of());
                size += 15_000;
            }
            store.putSmall(verified + ".verified", ("{\"key\":\"" + verified + "\",\"verifiedAt\":\"" + today.minus(9, ChronoUnit.DAYS)
                    + "\",\"outcome\":\"OK\"}").getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
            store.putSmall(failedVerification + ".verified", ("{\"key\":\"" + failedVerification + "\",\"verifiedAt\":\""
                    + today.minus(2, ChronoUnit.DAYS) + "\",\"outcome\":\"FAILED\",\"reason\":\"checksum mismatch\"}")
                    .getBytes(StandardCharsets.UTF_8), "application/json", Map.of());

            try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_BACKUP));
                    var sender = new EventSender();
                    var scheduler = SchedulerInstance.start("dash", "it-dash-" + UUID.randomUUID(),
                            "--offsite.scheduler.dashboard.refresh=0s",
                            b + "type=BACKUP", b + "exclusive=false", b + "timeout=1m", b + "parameters.source=" + series,
                            r + "type=ROTATION", r + "cron=0 1 * * *", r + "timeout=1m", r + "parameters.series=" + series,
                            r + "caller-parameters=dryRun",
                            policy + "keep-daily=2", policy + "semantics=calendar")) {

                // a backup that just ran: requested through the API, reported by a "worker" with its artifact
                String runId = scheduler.post("/api/v1/jobs/" + backup + "/runs", null).json().get("runId").asString();
                JobRequested request = await().atMost(WAIT).until(() -> tail.all(JobRequested.class).stream()
                        .filter(q -> q.getRunId().equals(runId)).findFirst(), Optional::isPresent).orElseThrow();
                String produced = key(series, request.getScheduledFor().truncatedTo(ChronoUnit.SECONDS));
                store.putSmall(produced, new byte[120_000], "application/gzip", Map.of());
                sender.completed(JobCompleted.newBuilder(EventSender.completionOf(request, JobStatus.SUCCEEDED, false))
                        .setArtifacts(List.of(new Artifact(LocalStack.s3().bucket(), produced, 120_000L, "ab12", 5000L, "gzip", null)))
                        .build());
                await().atMost(WAIT).until(() -> "SUCCEEDED".equals(scheduler.get("/api/v1/runs/" + runId).json()
                        .get("summary").get("status").asString()));

                // the JSON behind the page: every backup with its verification, and the plan of the next rotation
                JsonNode seriesJson = null;
                for (JsonNode s : scheduler.get("/api/v1/dashboard/series").json()) {
                    if (s.get("series").asString().equals(series)) {
                        seriesJson = s;
                    }
                }
                assertThat(seriesJson).isNotNull();
                assertThat(seriesJson.get("count").asInt()).isEqualTo(5);
                assertThat(seriesJson.get("rotationJobs").get(0).get("job").asString()).isEqualTo(rotate);
                JsonNode plan = seriesJson.get("retention");
                assertThat(plan.get("available").asBoolean()).isTrue();
                assertThat(plan.get("policy").asString()).isEqualTo("Daily: 2");
                assertThat(plan.get("newestVerified").asString()).isEqualTo(verified);
                assertThat(plan.get("keep").asInt()).isEqualTo(3);
                assertThat(plan.get("delete").asInt()).isEqualTo(2);
                for (JsonNode d : plan.get("decisions")) {
                    String k = d.get("key").asString();
                    assertThat(d.get("keep").asBoolean()).as(k).isEqualTo(!k.equals(old) && !k.equals(failedVerification));
                    if (k.equals(verified)) {
                        assertThat(d.get("reasons").toString()).contains("newest-verified");
                    }
                }

                WebDriver browser = chrome(chromium.get());
                try {
                    WebDriverWait wait = new WebDriverWait(browser, WAIT);
                    browser.get("http://127.0.0.1:" + scheduler.port() + "/");
                    assertThat(browser.getTitle()).isEqualTo("Offsite scheduler");
                    assertThat(browser.getPageSource()).doesNotContain(SchedulerInstance.TOKEN);

                    // no token yet: the page asks for it
                    WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-message")));
                    assertThat(message.getText()).contains("requires its API token");

                    // a wrong token: a clear message, and the page shows no data
                    enterToken(browser, "not-the-token-0123456789");
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("auth-message"), "token was refused"));
                    assertThat(browser.findElement(By.id("auth-message")).getText())
                            .contains("not the one this scheduler is configured with");
                    assertThat(browser.findElement(By.id("content")).isDisplayed()).isFalse();

                    // the right token: the job that just ran, with its status
                    enterToken(browser, SchedulerInstance.TOKEN);
                    By jobRow = By.cssSelector("#jobs tr[data-job='" + backup + "']");
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(jobRow, "SUCCEEDED"));
                    assertThat(browser.findElement(jobRow).findElement(By.className("last-run")).getText()).contains(runId);
                    assertThat(browser.findElement(By.id("auth")).isDisplayed()).isFalse();
                    assertThat(browser.findElements(By.cssSelector("#runs tr[data-run='" + runId + "']"))).hasSize(1);
                    assertThat(browser.findElements(By.cssSelector("#timeline rect[data-run='" + runId + "']"))).hasSize(1);

                    // the series: a dot per backup, coloured by its verification; the rotation's plan with reasons
                    By panel = By.cssSelector("section.series[data-series='" + series + "']");
                    WebElement seriesPanel = wait.until(ExpectedConditions.presenceOfElementLocated(panel));
                    assertThat(seriesPanel.findElements(By.cssSelector(".size-chart circle"))).hasSize(5);
                    assertThat(seriesPanel.findElement(By.cssSelector("circle[data-key='" + verified + "']")).getAttribute("class"))
                            .contains("dot-OK");
                    assertThat(seriesPanel.findElement(By.cssSelector("circle[data-key='" + failedVerification + "']"))
                            .getAttribute("class")).contains("dot-FAILED");
                    assertThat(seriesPanel.findElement(By.className("delete-count")).getText()).isEqualTo("2");
                    assertThat(seriesPanel.findElement(By.cssSelector("tr[data-key='" + old + "']")).getAttribute("class"))
                            .isEqualTo("delete");
                    assertThat(seriesPanel.findElement(By.cssSelector("tr[data-key='" + verified + "']")).getText())
                            .contains("keep").contains("newest-verified");
                    assertThat(seriesPanel.findElement(By.cssSelector("tr[data-key='" + failedVerification + "']")).getText())
                            .contains("FAILED").contains("no rule keeps it");

                    // "Run now" requests a run, with the token, named as the dashboard's
                    browser.findElement(jobRow).findElement(By.className("run-now")).click();
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(jobRow, "requested"));
                    JobRequested fromPage = await().atMost(WAIT).until(() -> tail.all(JobRequested.class).stream()
                            .filter(q -> q.getJobName().equals(backup) && !q.getRunId().equals(runId)).findFirst(),
                            Optional::isPresent).orElseThrow();
                    assertThat(fromPage.getRequestedBy()).isEqualTo("api:dashboard");
                    assertThat(browser.findElement(jobRow).getText()).contains("Run " + fromPage.getRunId() + " requested");
                    JsonNode runs = scheduler.get("/api/v1/runs?job=" + backup).json().get("runs");
                    assertThat(runs.size()).isEqualTo(2);
                    assertThat(runs.get(0).get("runId").asString()).isEqualTo(fromPage.getRunId());
                    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs tr[data-run='" + fromPage.getRunId() + "']")));
                    screenshot(browser);

                    // the token stays in this tab only: never in the page, never in local storage
                    assertThat(browser.getPageSource()).doesNotContain(SchedulerInstance.TOKEN);
                    assertThat(((org.openqa.selenium.JavascriptExecutor) browser)
                            .executeScript("return window.localStorage.length")).isEqualTo(0L);
                } finally {
                    browser.quit();
                }
            }
        }
    }

    @Test
    void withAuthenticationDisabledThePageNeedsNoToken() {
        Optional<Path> chromium = CHROMIUM.stream().filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && chromium.isPresent(),
                "the dashboard test needs a headless Chromium: install the Debian packages chromium and chromium-driver");
        try (var scheduler = SchedulerInstance.start("dash-open", "it-dash-" + UUID.randomUUID(), "--offsite.scheduler.api-auth=disabled")) {
            WebDriver browser = chrome(chromium.get());
            try {
                browser.get("http://127.0.0.1:" + scheduler.port() + "/");
                new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#jobs tr[data-job='backup-database']")));
                assertThat(browser.findElement(By.id("auth")).isDisplayed()).isFalse();
                assertThat(browser.findElement(By.id("content")).isDisplayed()).isTrue();
                // the shipped configuration tells the scheduler the demo series' policy
                assertThat(browser.findElement(By.cssSelector("section.series[data-series='pokemon-data']")).getText())
                        .contains("Daily: 7, Weekly: 4, Monthly: 3, Min: 5");
            } finally {
                browser.quit();
            }
        }
    }

    private static String key(String series, Instant at) {
        return series + "/db-" + at.toString().replace(':', '-') + ".sqlite3.gz";
    }

    private static void enterToken(WebDriver browser, String token) {
        WebElement input = browser.findElement(By.id("token"));
        input.clear();
        input.sendKeys(token);
        browser.findElement(By.cssSelector("#auth-form button[type=submit]")).click();
    }

    /** A headless Chromium from the Debian packages, through their chromedriver: no Selenium Manager, nothing off loopback. */
    private static WebDriver chrome(Path binary) {
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1360,2400",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1360, 2400));
        return driver;
    }

    /** The page as the test left it, in target/ (docs/dashboard.png is a copy of one). */
    private static void screenshot(WebDriver browser) throws Exception {
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", "dashboard.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
