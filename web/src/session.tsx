/** Who is signed in, for every screen. */
import { createContext, useContext } from 'react';
import type { Session } from './api/client';

export const SessionContext = createContext<{ session: Session; signOut: () => void } | undefined>(undefined);

export function useSession(): { session: Session; signOut: () => void } {
  const value = useContext(SessionContext);
  if (!value) throw new Error('no session');
  return value;
}

export const hasRole = (session: Session, ...roles: Session['roles']) => session.roles.some((r) => roles.includes(r));
