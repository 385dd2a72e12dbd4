-- Durable labs (issue 10): a lab is its settings plus the journal of what it accepted.
-- Tokens are kept only as SHA-256 hashes.
create table lab (
    id            varchar(64) primary key,
    token_hash    binary(32) not null,
    settings      character large object not null,
    clock         varchar(16) not null,
    time_scale    double precision not null,
    created       timestamp with time zone not null,
    -- only tap labs need it: they cannot be replayed, their end note follows this id
    last_event_id bigint default 0 not null
);

create table journal (
    lab_id varchar(64) not null references lab (id) on delete cascade,
    seq    bigint not null,
    entry  character large object not null,
    primary key (lab_id, seq)
);
