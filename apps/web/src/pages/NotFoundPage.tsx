import { Link } from '../components/Link';

/** Shown for a path no page serves. */
export function NotFoundPage() {
  return (
    <section className="page">
      <h1>Nothing here</h1>
      <p className="muted">
        This address is not a Liveline page. <Link href="/idea2video">Go to Idea2Video</Link>.
      </p>
    </section>
  );
}
