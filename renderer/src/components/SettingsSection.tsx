import type { ComponentType, ReactNode } from 'react';

/** One titled block of the Settings screen. */
export function SettingsSection(props: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section className="panel settings-section" aria-labelledby={`settings-${props.id}`}>
      <h2 id={`settings-${props.id}`}>{props.title}</h2>
      {props.description && <p className="muted section-description">{props.description}</p>}
      {props.children}
    </section>
  );
}

/**
 * A section that feature modules fill with their own settings panels; it appears only once it has one, so the
 * screen never shows an empty heading.
 */
export function PanelSection(props: {
  id: string;
  title: string;
  description?: string;
  panels: readonly ComponentType[];
}) {
  if (props.panels.length === 0) return null;
  return (
    <SettingsSection
      id={props.id}
      title={props.title}
      {...(props.description ? { description: props.description } : {})}
    >
      {props.panels.map((Panel, i) => (
        <Panel key={Panel.displayName ?? Panel.name ?? i} />
      ))}
    </SettingsSection>
  );
}
