package org.tcplab.server;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
class TcpLabApplicationTests {

    @Autowired
    ApplicationContext context;

    @Test
    void contextStarts() {
        assertThat(context.getBean(TcpLabApplication.class)).isNotNull();
    }
}
