/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pp-doc-export [--read-only] APP_ID DIR: hands DIR to a Flatpak app through the document portal,
 * the way the file chooser portal does when the user picks a folder (AddFull with the
 * export-directory flag), and prints the document id. `flatpak document-export` only exports
 * files, hence this helper. --read-only grants reading only, like a folder the app may not change.
 */
#define G_LOG_DOMAIN "pp-doc-export"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <stdio.h>

/* xdg-desktop-portal's DocumentAddFullFlags */
enum
{
  DOCUMENT_ADD_FLAGS_REUSE_EXISTING = 1 << 0,
  DOCUMENT_ADD_FLAGS_EXPORT_DIRECTORY = 1 << 3,
};

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GUnixFDList) fds = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) ids = NULL;
  const char *read_write[] = { "read", "write", "delete", "grant-permissions", NULL };
  const char *read_only[] = { "read", NULL };
  const char *const *permissions = read_write;
  gint32 handle;
  int fd;

  if (argc == 4 && g_str_equal (argv[1], "--read-only"))
    {
      permissions = read_only;
      argv++;
      argc--;
    }
  if (argc != 3)
    {
      g_printerr ("usage: pp-doc-export [--read-only] APP_ID DIR\n");
      return 2;
    }

  /* An O_PATH descriptor proves to the portal which file we mean without reading it. */
  fd = open (argv[2], O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0)
    {
      g_printerr ("pp-doc-export: cannot open %s: %s\n", argv[2], g_strerror (errno));
      return 1;
    }
  fds = g_unix_fd_list_new_from_array (&fd, 1);
  handle = 0;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("pp-doc-export: no session bus: %s\n", error->message);
      return 1;
    }
  reply = g_dbus_connection_call_with_unix_fd_list_sync (
    bus, "org.freedesktop.portal.Documents", "/org/freedesktop/portal/documents",
    "org.freedesktop.portal.Documents", "AddFull",
    g_variant_new ("(@ahus^as)",
                   g_variant_new_fixed_array (G_VARIANT_TYPE_HANDLE, &handle, 1, sizeof (gint32)),
                   (guint32) (DOCUMENT_ADD_FLAGS_REUSE_EXISTING | DOCUMENT_ADD_FLAGS_EXPORT_DIRECTORY),
                   argv[1], permissions),
    G_VARIANT_TYPE ("(asa{sv})"), G_DBUS_CALL_FLAGS_NONE, 30000, fds, NULL, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("pp-doc-export: AddFull failed: %s\n", error->message);
      return 1;
    }

  ids = g_variant_get_child_value (reply, 0);
  if (g_variant_n_children (ids) != 1)
    {
      g_printerr ("pp-doc-export: expected one document id\n");
      return 1;
    }
  g_autoptr (GVariant) id = g_variant_get_child_value (ids, 0);
  printf ("%s\n", g_variant_get_string (id, NULL));
  return 0;
}
