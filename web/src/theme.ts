/**
 * The console's Ant Design theme, shared by the app (ConfigProvider) and the build, which computes
 * the components' styles with it ahead of time (web/antd-styles.tsx): both must use the same one.
 *
 * Ant Design's default blue, red and greys fall short of WCAG AA contrast (4.5:1) for text; these
 * darker tokens meet it (the tags' colours are in console.css).
 */
export const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorError: '#cf1322',
    colorLink: '#0958d9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.7)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.56)',
  },
};
