package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.transcript.Answers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChecklistAndAnswersTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "\n\n",
                "# Title\n## Sub\n",
                "- \n* [ ]\n1.\n+ [x]\n",
                "# T\n<!-- - hidden item\n- another -->\n",
                "Checklist\n=========\n\nDaily\n-----\n",
                "---\n***\n_ _ _\n",
                "```\n```\n",
                "# T\n~~~ text\n\n~~~\n"
            })
    void emptyChecklists(String text) {
        assertThat(new Checklist(text).isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "- check the disks",
                "Check the disks.",
                "# T\n- [ ] renew the certificate",
                "#hashtag-not-heading",
                "```\ndf -h /\n```",
                "Check\nthe disks",
                "Title\n=====\n- renew the certificate",
                "- check the backups\n---"
            })
    void checklistsWithWork(String text) {
        assertThat(new Checklist(text).isEmpty()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HEARTBEAT_OK",
                " HEARTBEAT_OK \n",
                "**HEARTBEAT_OK**",
                "`HEARTBEAT_OK`",
                "HEARTBEAT_OK.",
                "HEARTBEAT_OK!",
                "_HEARTBEAT_OK_",
                "> HEARTBEAT_OK",
                "heartbeat_ok"
            })
    void okAnswers(String answer) {
        assertThat(Answers.isOk(answer)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "OK",
                "HEARTBEAT_OK but the disk is full",
                "All fine. HEARTBEAT_OK",
                "HEARTBEAT OK",
                "HEARTBEAT_OK?"
            })
    void notOkAnswers(String answer) {
        assertThat(Answers.isOk(answer)).isFalse();
    }
}
