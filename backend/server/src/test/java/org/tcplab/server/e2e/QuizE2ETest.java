package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Class mode as a class uses it: a teacher's page turns Predict on, three students (two English
 * pages, one Chinese, one of them a phone) answer the held SYN on their viewer pages, the teacher
 * sees the count and the histogram and reveals it, and each student sees whether they were right,
 * what differed and why. Screenshots of the histogram and of results in both languages; axe-core
 * finds no serious or critical violation on either side.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(240)
class QuizE2ETest {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private Page student(Rest.Lab lab, int w, int h, String locale) {
        Page p = chromium.open(w, h, locale);
        p.navigate("http://localhost:" + port + "/labs/" + lab.id());
        assertThat(p.locator(".status[data-status=live]")).hasCount(1);
        return p;
    }

    private static void predict(Page p, String name, String from, List<String> flags, String ack) {
        assertThat(p.locator("[data-quiz=form]")).isVisible();
        if (name != null) p.locator("input[name=quiz-name]").fill(name);
        p.locator("input[name=quiz-from][value=" + from + "]").check();
        for (String f : flags)
            p.locator("input[name=quiz-flag][value=" + f + "]").check();
        if (ack != null) p.locator("input[name=quiz-ack]").fill(ack);
        p.locator("[data-quiz=send]").click();
        assertThat(p.locator("[data-quiz=sent]")).isVisible();
    }

    @Test
    void aTeacherAndThreeStudentsPlayTheHandshake() throws Exception {
        Rest rest = new Rest(port);
        Rest.Lab lab = rest.createLab(Map.of("seed", 3));
        rest.post(lab, "/listen", Map.of("host", "server", "port", 80));

        Page teacher = chromium.open(1400, 900, "en-US");
        teacher.navigate("http://localhost:" + port + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(teacher.locator(".status[data-status=live]")).hasCount(1);
        teacher.locator("[data-quiz=toggle]").click();
        assertThat(teacher.locator("[data-quiz=toggle]")).hasAttribute("aria-pressed", "true");

        Page ada = student(lab, 1024, 768, "en-US");
        Page bob = student(lab, 390, 844, "en-US");
        Page chen = student(lab, 390, 844, "zh-CN");
        assertThat(ada.locator("[data-quiz=panel]")).isHidden();

        rest.post(lab, "/connections", Map.of("localPort", 40000, "remotePort", 80, "isn", 1000, "peerIsn", 5000));
        // The SYN is held: a question, and nothing drawn for it yet.
        assertThat(teacher.locator("[data-quiz=status]")).containsText("Question 1: 0 answered");
        assertThat(ada.locator("[data-segment-id]")).hasCount(0);

        predict(ada, "Ada", "client", List.of("SYN"), null);
        predict(bob, "<b>Bob</b>", "server", List.of("SYN", "ACK"), null);
        predict(chen, "陈", "client", List.of("SYN", "ACK"), null);

        assertThat(teacher.locator("[data-quiz=status]")).containsText("Question 1: 3 answered");
        assertThat(teacher.locator("[data-quiz=histogram] .bar-row")).hasCount(4); // 2 hosts, 2 flag sets
        assertThat(teacher.locator("[data-quiz=histogram]")).containsText("ACK, SYN");
        Browsers.shot(teacher, "60-quiz-teacher-histogram-en");
        Page teacherZh = chromium.open(1024, 768, "zh-CN");
        teacherZh.navigate("http://localhost:" + port + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(teacherZh.locator("[data-quiz=status]")).containsText("第 1 题：已有 3 人作答");
        teacherZh.locator("[data-quiz=histogram]").scrollIntoViewIfNeeded();
        Browsers.shot(teacherZh, "61-quiz-teacher-histogram-zh");
        axe(teacher, "teacher-en");

        teacher.locator("[data-quiz=reveal]").click();
        // The SYN flies; the SYN-ACK is the next question.
        assertThat(teacher.locator("[data-quiz=status]")).containsText("Question 1: 1 of 3 right.");
        assertThat(teacher.locator("[data-quiz=status]")).containsText("Question 2: 0 answered");
        assertThat(ada.locator("[data-segment-id]")).hasCount(1);

        assertThat(ada.locator("[data-quiz=verdict]")).hasText("Right!");
        assertThat(bob.locator("[data-quiz=verdict]")).hasText("Not quite: who sends, the flags differed.");
        assertThat(bob.locator(".quiz-result")).containsText("It was client → server: SYN seq=0");
        assertThat(bob.locator("[data-quiz=why] li").first()).isVisible();
        assertThat(chen.locator("[data-quiz=verdict]")).hasText("不完全对：标志位不同。");
        bob.locator("[data-quiz=result]").scrollIntoViewIfNeeded();
        Browsers.shot(bob, "62-quiz-student-result-en");
        chen.locator("[data-quiz=result]").scrollIntoViewIfNeeded();
        Browsers.shot(chen, "63-quiz-student-result-zh");
        axe(chen, "student-zh");

        // Question 2 in relative numbers: ack 1 is the client's ISN + 1; the name is remembered.
        assertThat(ada.locator(".quiz-name")).hasText("Answering as Ada");
        predict(ada, null, "server", List.of("SYN", "ACK"), "1");
        teacher.locator("[data-quiz=reveal]").click();
        assertThat(ada.locator("[data-quiz=verdict]")).hasText("Right!");
        var q2 = rest.get("/api/labs/" + lab.id() + "/quiz/questions/2?name=Ada");
        assertThat(q2.path("answers").get(0).path("ack").asLong()).isEqualTo(1001);
        // Bob's name came back as text, never as markup.
        var q1 = rest.get("/api/labs/" + lab.id() + "/quiz/questions/1");
        assertThat(q1.path("answers").get(1).path("name").asString()).isEqualTo("<b>Bob</b>");
        assertThat(teacher.locator("b")).hasCount(0);
        for (Page p : List.of(teacher, teacherZh, ada, bob, chen)) p.context().close();
    }

    private static void axe(Page page, String name) throws Exception {
        Axe.check(page, "[data-quiz=panel]", "quiz-" + name);
    }
}
