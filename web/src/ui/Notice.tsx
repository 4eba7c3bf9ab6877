import type { ReactNode } from 'react';

/** A message about the last thing the person did, or about loading. */
export function Notice({
  tone,
  children,
  action,
}: {
  tone: 'info' | 'success' | 'error';
  children: ReactNode;
  action?: { label: string; onClick: () => void };
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p>{children}</p>
      {action && (
        <button type="button" className="button-secondary" onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </div>
  );
}

export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="loading" role="status">
      {children}
    </p>
  );
}
