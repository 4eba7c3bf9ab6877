import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../routes';

/** A link within the page: a plain click moves without a reload; others behave as links do. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (event.defaultPrevented || !plain) return;
    event.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  }
  return <a href={href} onClick={follow} {...rest} />;
}
