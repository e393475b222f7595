-- Ends one repeater turn in one round trip: charges the domain's budget windows with the remote
-- time the turn spent, stores what the turn taught about the endpoint, and releases the lock if
-- it is still ours (compare-and-delete: a holder whose lock expired never deletes its successor's).
--
-- KEYS[1] the repeater's lock   KEYS[2] its limiter hash   KEYS[3] / KEYS[4] the domain's windows
-- ARGV[1] lock token   ARGV[2] now (epoch ms)   ARGV[3] remote ms spent (0 = none)
-- ARGV[4] / ARGV[5] how long the minute / hour window keys must live (ms)
-- ARGV[6] new concurrency ('' = unchanged, 'max' = back to the batch size)
-- ARGV[7] '' or, when the endpoint throttled the turn (429, or 503), the send rate the turn saw
--         (requests/s), used to start a learned rate when none is learned yet
-- ARGV[8] pause until (epoch ms, '' = none): Retry-After, or how long the learned rate needs
--
-- Answers 1 when the lock was ours and is now gone, else 0.
local now = tonumber(ARGV[2])
local spent = tonumber(ARGV[3])
if spent > 0 then
    redis.call('INCRBY', KEYS[3], spent)
    redis.call('PEXPIRE', KEYS[3], ARGV[4])
    redis.call('INCRBY', KEYS[4], spent)
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
end
local touched = false
if ARGV[6] == 'max' then
    redis.call('HDEL', KEYS[2], 'conc')
elseif ARGV[6] ~= '' then
    redis.call('HSET', KEYS[2], 'conc', ARGV[6])
    touched = true
end
if ARGV[7] ~= '' then
    -- Halve the rate in force now (the learned one, grown since, or the observed one) and empty the bucket.
    local h = redis.call('HMGET', KEYS[2], 'lr', 'lrts')
    local current = tonumber(ARGV[7])
    if h[1] and now - tonumber(h[2]) < 120000 then
        current = tonumber(h[1]) * math.pow(1.1, math.max(0, now - tonumber(h[2])) / 1000)
    end
    redis.call('HSET', KEYS[2], 'lr', tostring(math.max(0.2, current / 2)), 'lrts', now, 'tok', 0, 'ts', now)
    touched = true
end
if ARGV[8] ~= '' then
    redis.call('HSET', KEYS[2], 'pause', ARGV[8])
    touched = true
end
if touched then
    redis.call('PEXPIRE', KEYS[2], 3600000)
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
