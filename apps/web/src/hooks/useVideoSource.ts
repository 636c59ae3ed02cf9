import { useEffect, useState } from 'react';
import { authHeaders } from '../lib/api';

/** A video's playable address, or why it cannot be played. */
export type VideoSource =
  | { readonly kind: 'ready'; readonly src: string }
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Where `<video>` can read `url`, once the server answered that it serves it. Without a token that
 * is `url` itself (streamed with byte ranges; only its first byte is asked for here, so a missing
 * video says why instead of showing a broken player). With one it is a blob fetched with
 * `Authorization`: a media element cannot send a header, and a token in the URL is refused by
 * design (PROTOCOL.md A3; docs/decisions.md).
 */
export function useVideoSource(url: string): VideoSource {
  const headers = authHeaders();
  const direct = !('authorization' in headers);
  // Kept with the URL it is for, so another URL reads as loading until its own fetch settles.
  const [fetched, setFetched] = useState<{ url: string; source: VideoSource } | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    let objectUrl: string | null = null;
    fetch(url, { headers: direct ? { range: 'bytes=0-0' } : authHeaders(), signal: abort.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const src = direct ? url : (objectUrl = URL.createObjectURL(await response.blob()));
        setFetched({ url, source: { kind: 'ready', src } });
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted)
          setFetched({
            url,
            source: { kind: 'failed', message: error instanceof Error ? error.message : 'failed' },
          });
      });
    return () => {
      abort.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, direct]);
  return fetched?.url === url ? fetched.source : { kind: 'loading' };
}
