import { useEffect, useState } from 'react';
import { useI18n } from '../../../i18n';

function parts(ms: number) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600), m: Math.floor((s % 3600) / 60), s: s % 60 };
}

/** Time left until an auction closes, ticking every second; "closed" once it has passed. */
export function Countdown({ until, onElapsed }: { until: string; onElapsed?(): void }) {
  const { t } = useI18n();
  const target = Date.parse(until);
  const [now, setNow] = useState(() => Date.now());
  const left = target - now;

  useEffect(() => {
    if (left <= 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [left <= 0]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (left <= 0) onElapsed?.();
  }, [left <= 0]); // eslint-disable-line react-hooks/exhaustive-deps

  if (Number.isNaN(target)) return null;
  if (left <= 0) {
    return (
      <span className="countdown countdown--over" data-testid="countdown" data-left="0">
        {t('countdown.closed')}
      </span>
    );
  }
  const { d, h, m, s } = parts(left);
  const pad = (n: number) => String(n).padStart(2, '0');
  const text =
    d > 0 ? t('countdown.days', { d, h: pad(h), m: pad(m), s: pad(s) }) : t('countdown.hms', { h: pad(h), m: pad(m), s: pad(s) });
  return (
    // The number changes every second; announce it only when asked (role timer is not live by default).
    <span className="countdown" role="timer" data-testid="countdown" data-left={Math.floor(left / 1000)}>
      {t('countdown.left', { time: text })}
    </span>
  );
}
