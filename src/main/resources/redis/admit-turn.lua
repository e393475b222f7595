-- Admits one repeater turn, atomically, in one round trip: the repeater's lock, its domain's
-- budget of remote time, its request rate and its adaptive concurrency (docs/limits.md).
--
-- KEYS[1] the repeater's lock          KEYS[2] the repeater's limiter hash
-- KEYS[3] the domain's minute window   KEYS[4] the domain's hour window (remote milliseconds spent)
-- ARGV[1] lock token   ARGV[2] lock TTL ms   ARGV[3] now (epoch ms)   ARGV[4] slots wanted
-- ARGV[5] the repeater's batch size (its concurrency ceiling)
-- ARGV[6] configured requests/s (0 = none)   ARGV[7] configured burst
-- ARGV[8] minute budget ms (0 = none)   ARGV[9] hour budget ms (0 = none)
-- ARGV[10] end of the minute window (epoch ms)   ARGV[11] end of the hour window (epoch ms)
-- ARGV[12] '1' when adaptive concurrency and learned rates are on
-- ARGV[13] / ARGV[14] how long the minute / hour window keys must live (ms)
--
-- Answers {0, granted, concurrency, reserved ms} admitted (lock taken, tokens spent, the turn's
-- expected remote time reserved in the domain's windows), {1} another batch holds
-- the lock, {2, wait ms} the domain is over budget, {3, wait ms} the repeater must wait for its
-- rate. Nothing is written unless the turn is admitted. (A Retry-After pause lives in PostgreSQL,
-- as the repeater's next_attempt_at, which the ready query and the claim already honour.)
if redis.call('EXISTS', KEYS[1]) == 1 then
    return {1}
end
local now = tonumber(ARGV[3])
local minute_budget, hour_budget = tonumber(ARGV[8]), tonumber(ARGV[9])
if minute_budget > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= minute_budget then
    return {2, math.max(1, tonumber(ARGV[10]) - now)}
end
if hour_budget > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') >= hour_budget then
    return {2, math.max(1, tonumber(ARGV[11]) - now)}
end

local adaptive = ARGV[12] == '1'
local h = redis.call('HMGET', KEYS[2], 'tok', 'ts', 'lr', 'lrts', 'conc', 'avg')
local ceiling = tonumber(ARGV[5])
local concurrency = ceiling
if adaptive and h[5] then
    concurrency = math.max(1, math.min(ceiling, tonumber(h[5])))
end

-- The rate: the configured one, or lower, one learned from 429s. A learned rate grows back by
-- 10 % a second since the last 429 and is forgotten two minutes after it.
local configured = tonumber(ARGV[6])
local rate, burst = configured, tonumber(ARGV[7])
if adaptive and h[3] then
    local since = now - tonumber(h[4])
    if since < 120000 then
        local learned = tonumber(h[3]) * math.pow(1.1, math.max(0, since) / 1000)
        if configured <= 0 or learned < configured then
            rate, burst = learned, math.max(1, math.floor(learned / 10))
        end
    end
end

local wanted = math.min(tonumber(ARGV[4]), concurrency)
if rate > 0 then
    local tokens = burst
    if h[1] then
        tokens = math.min(burst, tonumber(h[1]) + math.max(0, now - tonumber(h[2])) * rate / 1000)
    end
    if tokens < 1 then
        return {3, math.max(1, math.ceil((1 - tokens) * 1000 / rate))}
    end
    wanted = math.min(wanted, math.floor(tokens))
    redis.call('HSET', KEYS[2], 'tok', tostring(tokens - wanted), 'ts', now)
    redis.call('PEXPIRE', KEYS[2], 3600000)
end
-- Reserve what the turn is expected to spend (its requests at the repeater's mean duration), so
-- turns admitted together cannot all pass a budget none of them has charged yet; the end of the
-- turn charges the difference to what it really spent.
local reserved = 0
if (minute_budget > 0 or hour_budget > 0) and h[6] then
    reserved = math.floor(wanted * tonumber(h[6]))
    if reserved > 0 then
        redis.call('INCRBY', KEYS[3], reserved)
        redis.call('PEXPIRE', KEYS[3], ARGV[13])
        redis.call('INCRBY', KEYS[4], reserved)
        redis.call('PEXPIRE', KEYS[4], ARGV[14])
    end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {0, wanted, concurrency, reserved}
