-- Issue 15: the notifications.fanout job in one statement. It runs once per bid (the listing
-- owner's users hear of it), and as a transaction of its own it was seven statements and round
-- trips (BEGIN, recipients, insert, room seq, outbox row, mark done, COMMIT): on a 2-core machine
-- the API's time per bid is mostly its statements' round trips (docs/benchmarks.md). Same rules as
-- before (server/src/modules/notifications): the org's active users who have not turned the kind off
-- (or only p.userId), one notification per (user, key), and for each one written a
-- `notification.created` live event to `user:<id>`, its seq allocated here as publishEvent
-- allocates it (rooms in id order, so two fan-outs lock room_seq rows in the same order).
-- The job's outbox row is marked done first: a redelivered job (row already done) writes nothing.
-- p: the job's payload (JobPayloads['notifications.fanout']); returns how many notifications it wrote.
create function notifications_fanout(p jsonb, p_outbox bigint) returns integer language plpgsql as $$
declare
  u record;
  nid uuid;
  s bigint;
  v_room text;
  n integer := 0;
begin
  update outbox set done_at = now() where id = p_outbox and done_at is null;
  -- Already done: a redelivery. (No such row: a caller without one, such as a test; it still writes.)
  if not found and exists (select 1 from outbox where id = p_outbox) then
    return 0;
  end if;
  for u in
    select us.id from users us
     where us.org_id = (p->>'orgId')::uuid and us.disabled_at is null
       and (p->>'userId' is null or us.id = (p->>'userId')::uuid)
       and not exists (select 1 from notification_preferences np
                        where np.user_id = us.id and np.kind = p->>'kind' and not np.enabled)
     order by us.id
  loop
    insert into notifications (id, user_id, org_id, kind, source_key, subject_type, subject_id, data, created_at)
    values (gen_random_uuid(), u.id, (p->>'orgId')::uuid, p->>'kind', p->>'key', p->>'subjectType', p->>'subjectId',
            coalesce(p->'data', '{}'::jsonb), (p->>'at')::timestamptz)
    on conflict (user_id, source_key) do nothing
    returning id into nid;
    continue when nid is null;
    n := n + 1;
    v_room := 'user:' || u.id::text;
    insert into room_seq (room, seq) values (v_room, 1)
      on conflict (room) do update set seq = room_seq.seq + 1
      returning seq into s;
    insert into outbox (topic, payload)
    values ('realtime.publish',
            jsonb_build_object('room', v_room, 'seq', s, 'type', 'notification.created', 'at', p->>'at',
                               'data', jsonb_build_object('notificationId', nid, 'kind', p->>'kind')));
  end loop;
  return n;
end;
$$;
