// app/layout.js: the HTML document around every page.
export const metadata = { title: 'Hasura Blog' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
