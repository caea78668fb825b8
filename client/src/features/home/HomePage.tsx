import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from 'react-router';
import { Badge } from '../../components/Badge';
import { QueryState } from '../../components/QueryState';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../lib/units';
import type { Me } from '../auth/api';
import { useSession } from '../auth/session';
import { LiveBadge } from '../listings/components/LiveBadge';
import { useLive } from '../realtime/LiveFeed';
import { todoKeys, todosApi, type Todo } from './api';

/**
 * The home page (issue 13 item 6): a signed-in user lands on its organisation's to-do list — each
 * step with its deadline and one click to the page where it is done. Signed out, the catalogue.
 */
export function HomePage() {
  const { session } = useSession();
  const { t } = useI18n();
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to="/catalog" replace />;
  return <Todos me={session.me} />;
}

function Todos({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const query = useQuery({ queryKey: todoKeys.all, queryFn: ({ signal }) => todosApi.list(signal) });
  const live = useLive({});

  return (
    <div className="page" data-testid="home-page">
      <header className="page__header page__header--row">
        <div>
          <p className="eyebrow">{me.org?.name ?? me.user.name}</p>
          <h1>{t('home.title')}</h1>
          <p className="page__lead">{t('home.intro')}</p>
        </div>
        <LiveBadge status={live} />
      </header>
      <QueryState
        query={query}
        isEmpty={(d) => d.items.length === 0}
        empty={
          <div className="card" data-testid="todos-empty">
            <p>{t('home.empty')}</p>
            <p>
              <Link to="/market">{t('home.toMarket')}</Link>
            </p>
          </div>
        }
      >
        {(data) => (
          <ul className="todos" data-testid="todos">
            {data.items.map((item) => (
              <TodoRow key={`${item.kind}:${item.subjectId}`} item={item} lang={lang} t={t} />
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

function TodoRow({
  item,
  lang,
  t,
}: {
  item: Todo;
  lang: ReturnType<typeof useI18n>['lang'];
  t: ReturnType<typeof useI18n>['t'];
}) {
  const reference = item.kind === 'handle_alert' ? t(`regulator.alert.kind.${item.reference}` as MessageKey) : item.reference;
  return (
    <li className="card todo" data-testid="todo" data-kind={item.kind}>
      <div className="todo__text">
        <strong className="todo__what">{t(`home.kind.${item.kind}` as MessageKey)}</strong>
        <span className="todo__ref code">{reference}</span>
        <span className="todo__deadline small">
          {item.deadline ? (
            <>
              {t('home.deadline')} {formatDateTime(item.deadline, lang)}{' '}
              {item.overdue && <Badge tone="danger">{t('home.overdue')}</Badge>}
            </>
          ) : (
            <span className="muted">{t('home.noDeadline')}</span>
          )}
        </span>
      </div>
      <Link to={item.href} className="btn btn--primary todo__go" data-testid="todo-go">
        {t(`home.go.${item.kind}` as MessageKey)}
      </Link>
    </li>
  );
}
