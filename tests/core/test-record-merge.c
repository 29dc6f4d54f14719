/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Merging shard records: every file once with its final outcome; missing shards, missing and
 * twice-processed files, resumed attempts counted once, records that disagree reported; the
 * job's span and throughput; and clear errors for things that are not run records. Records are
 * written here as the CLI writes them (the CLI tests check real ones against the schema).
 */
#include <string.h>

#include <glib/gstdio.h>

#include "batch/pp-record-merge.h"

/* A run record for shard @k of @n over a list of @listed files. @files: "index:status" items
 * separated by commas, status ok, failed, skipped, cancelled or resumed (skipped + resumed). */
static char *
make_record (guint       k,
             guint       n,
             guint       listed,
             const char *host,
             const char *started,
             gint64      wall_us,
             const char *pipeline,
             const char *files)
{
  GString *s = g_string_new (NULL);
  g_auto (GStrv) items = g_strsplit (files, ",", -1);
  guint ok = 0;

  g_string_append (s, "{\"schema_version\":1,\"kind\":\"run\",\"mode\":\"parallel\",");
  g_string_append_printf (s, "\"threads\":2,\"threads_source\":\"slurm\",\"host\":\"%s\","
                          "\"started\":\"%s\",\"input\":\"/in\",\"output\":\"/out\","
                          "\"pipeline\":\"%s\",\"format\":\"same\",", host, started, pipeline);
  g_string_append_printf (s, "\"shard\":{\"index\":%u,\"count\":%u,\"source\":\"slurm\"},", k, n);
  g_string_append_printf (s, "\"files_listed\":%u,\"wall_us\":%" G_GINT64_FORMAT ","
                          "\"cpu_us\":1000000,\"megapixels\":2.5,\"files\":[", listed, wall_us);
  for (guint i = 0; items[i] != NULL && items[i][0] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (items[i], ":", 2);
      gboolean resumed = g_str_equal (f[1], "resumed");

      ok += g_str_equal (f[1], "ok");
      g_string_append_printf (s, "%s{\"index\":%s,\"input\":\"/in/%s.jpg\","
                              "\"output\":\"/out/%s.jpg\",\"status\":\"%s\",\"resumed\":%s,"
                              "\"sha256\":\"h%s\"}", i > 0 ? "," : "", f[0], f[0], f[0],
                              resumed ? "skipped" : f[1], resumed ? "true" : "false", f[0]);
    }
  g_string_append_printf (s, "],\"files_ok\":%u}", ok);
  return g_string_free (s, FALSE);
}

static void
add (PpRecordMerge *merge,
     const char    *origin,
     char          *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (pp_record_merge_add_record (merge, node, origin, &error));
  g_assert_no_error (error);
  g_free (json);
}

/* The four shards of 10 files, all fine. */
static void
add_four_shards (PpRecordMerge *m,
                 gboolean       with_third)
{
  add (m, "s1.json", make_record (1, 4, 10, "node1", "2026-01-01T00:00:00Z", 4000000,
                                  "gamma=1.2", "0:ok,4:ok,8:ok"));
  add (m, "s2.json", make_record (2, 4, 10, "node2", "2026-01-01T00:00:01Z", 5000000,
                                  "gamma=1.2", "1:ok,5:ok,9:ok"));
  if (with_third)
    add (m, "s3.json", make_record (3, 4, 10, "node3", "2026-01-01T00:00:00Z", 2000000,
                                    "gamma=1.2", "2:ok,6:ok"));
  add (m, "s4.json", make_record (4, 4, 10, "node4", "2026-01-01T00:00:02Z", 1000000,
                                  "gamma=1.2", "3:ok,7:ok"));
}

static JsonObject *
object_of (JsonNode *node)
{
  return json_node_get_object (node);
}

/* The merged record's entry for list position @i. */
static JsonObject *
file_at (JsonNode *merged,
         guint     i)
{
  return json_array_get_object_element (
    json_object_get_array_member (object_of (merged), "files"), i);
}

static void
test_exactly_once (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary s;
  JsonObject *o;
  JsonArray *files, *shards;

  add_four_shards (m, TRUE);
  pp_record_merge_get_summary (m, &s);
  g_assert_cmpuint (s.records, ==, 4);
  g_assert_cmpuint (s.files_listed, ==, 10);
  g_assert_cmpuint (s.files_ok, ==, 10);
  g_assert_cmpuint (s.files_missing, ==, 0);
  g_assert_cmpuint (s.files_duplicated, ==, 0);
  g_assert_cmpuint (s.shards_missing, ==, 0);
  g_assert_cmpuint (s.conflicts, ==, 0);
  g_assert_true (s.exactly_once);

  node = pp_record_merge_to_json (m);
  o = object_of (node);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "merge");
  g_assert_cmpstr (json_object_get_string_member (o, "pipeline"), ==, "gamma=1.2");
  g_assert_true (json_object_get_boolean_member (o, "consistent"));
  g_assert_cmpint (json_object_get_int_member (o, "shard_count"), ==, 4);
  /* Span: node2 started 1 s in and ran 5 s: 6 s from the first start. */
  g_assert_cmpint (json_object_get_int_member (o, "wall_us"), ==, 6000000);
  g_assert_cmpint (json_object_get_int_member (o, "files_processed"), ==, 10);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "images_per_s"), 10 / 6.0,
                                  1e-9);
  g_assert_cmpint (json_object_get_int_member (o, "cpu_us"), ==, 4000000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "megapixels"), 10.0, 1e-9);

  files = json_object_get_array_member (o, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);
      g_autofree char *input = g_strdup_printf ("/in/%u.jpg", i);
      g_autofree char *host = g_strdup_printf ("node%u", i % 4 + 1);

      g_assert_cmpint (json_object_get_int_member (f, "index"), ==, i);
      g_assert_cmpstr (json_object_get_string_member (f, "input"), ==, input);
      g_assert_cmpstr (json_object_get_string_member (f, "status"), ==, "ok");
      g_assert_cmpint (json_object_get_int_member (f, "shard"), ==, i % 4 + 1);
      g_assert_cmpstr (json_object_get_string_member (f, "host"), ==, host);
      g_assert_cmpint (json_object_get_int_member (f, "times_processed"), ==, 1);
    }
  shards = json_object_get_array_member (o, "shards");
  g_assert_cmpuint (json_array_get_length (shards), ==, 4);
  {
    JsonObject *second = json_array_get_object_element (shards, 1);

    g_assert_cmpstr (json_object_get_string_member (second, "host"), ==, "node2");
    g_assert_cmpstr (json_object_get_string_member (second, "record"), ==, "s2.json");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (second, "images_per_s"),
                                    3 / 5.0, 1e-9);
  }
}

static void
test_missing_shard (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary s;
  JsonArray *missing;

  add_four_shards (m, FALSE);
  pp_record_merge_get_summary (m, &s);
  g_assert_false (s.exactly_once);
  g_assert_cmpuint (s.shards_missing, ==, 1);
  g_assert_cmpuint (s.files_missing, ==, 2); /* positions 2 and 6 */
  node = pp_record_merge_to_json (m);
  missing = json_object_get_array_member (object_of (node), "shards_missing");
  g_assert_cmpuint (json_array_get_length (missing), ==, 1);
  g_assert_cmpint (json_array_get_int_element (missing, 0), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (file_at (node, 6), "status"), ==, "missing");
  g_assert_cmpint (json_object_get_int_member (file_at (node, 6), "shard"), ==, 3);
  g_assert_false (json_object_get_boolean_member (object_of (node), "consistent"));
}

/* The same shard run twice without --resume: every one of its files processed twice. */
static void
test_duplicates (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary s;

  add_four_shards (m, TRUE);
  add (m, "s2-again.json", make_record (2, 4, 10, "node9", "2026-01-01T00:01:00Z", 5000000,
                                        "gamma=1.2", "1:ok,5:ok,9:failed"));
  pp_record_merge_get_summary (m, &s);
  g_assert_cmpuint (s.files_duplicated, ==, 2);
  g_assert_cmpuint (s.files_ok, ==, 10);
  g_assert_false (s.exactly_once);
  node = pp_record_merge_to_json (m);
  g_assert_cmpint (json_object_get_int_member (file_at (node, 5), "times_processed"), ==, 2);
}

/* A cancelled attempt and its resume: what the first did is "resumed" in the second; nothing
 * counts twice, the failure of the first attempt is overridden by the second's success. */
static void
test_resumed (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary s;

  add (m, "s1.json", make_record (1, 2, 6, "a", "2026-01-01T00:00:00Z", 1000000, "",
                                  "0:ok,2:ok,4:ok"));
  add (m, "s2-first.json", make_record (2, 2, 6, "b", "2026-01-01T00:00:00Z", 1000000, "",
                                        "1:ok,3:failed,5:cancelled"));
  add (m, "s2-resumed.json", make_record (2, 2, 6, "c", "2026-01-01T00:00:05Z", 1000000, "",
                                          "1:resumed,3:ok,5:ok"));
  pp_record_merge_get_summary (m, &s);
  g_assert_true (s.exactly_once);
  g_assert_cmpuint (s.files_ok, ==, 6);
  g_assert_cmpuint (s.files_failed, ==, 0);
  g_assert_cmpuint (s.files_duplicated, ==, 0);
  node = pp_record_merge_to_json (m);
  /* Position 1 was processed by the first attempt (host b), which is the one shown. */
  g_assert_cmpstr (json_object_get_string_member (file_at (node, 1), "host"), ==, "b");
  g_assert_false (json_object_get_boolean_member (file_at (node, 1), "resumed"));
  g_assert_cmpstr (json_object_get_string_member (file_at (node, 3), "host"), ==, "c");
  g_assert_cmpint (json_object_get_int_member (object_of (node), "files_processed"), ==, 6);

  /* Only the resumed record (the first one overwritten): still every file once. */
  {
    g_autoptr (PpRecordMerge) alone = pp_record_merge_new ();

    add (alone, "s1.json", make_record (1, 2, 6, "a", "2026-01-01T00:00:00Z", 1, "",
                                        "0:ok,2:ok,4:ok"));
    add (alone, "s2.json", make_record (2, 2, 6, "c", "2026-01-01T00:00:05Z", 1, "",
                                        "1:resumed,3:ok,5:ok"));
    pp_record_merge_get_summary (alone, &s);
    g_assert_true (s.exactly_once);
    g_assert_cmpuint (s.files_ok, ==, 6);
  }
}

static void
test_failed_and_cancelled (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  PpRecordMergeSummary s;

  add (m, "only.json", make_record (1, 1, 4, "a", "2026-01-01T00:00:00Z", 1, "",
                                    "0:ok,1:failed,2:skipped,3:cancelled"));
  pp_record_merge_get_summary (m, &s);
  g_assert_cmpuint (s.files_ok, ==, 1);
  g_assert_cmpuint (s.files_failed, ==, 1);
  g_assert_cmpuint (s.files_skipped, ==, 1);
  g_assert_cmpuint (s.files_missing, ==, 1);
  g_assert_false (s.exactly_once);
}

static void
test_conflicts (void)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary s;
  JsonArray *conflicts;
  char *other_list;

  add (m, "a.json", make_record (1, 2, 4, "a", "2026-01-01T00:00:00Z", 1, "gamma=1.2",
                                 "0:ok,2:ok"));
  add (m, "b.json", make_record (2, 2, 5, "b", "2026-01-01T00:00:00Z", 1, "gamma=1.3",
                                 "1:ok,3:ok"));
  /* A third record whose position 2 is another file. */
  other_list = make_record (1, 2, 4, "c", "2026-01-01T00:00:00Z", 1, "gamma=1.2", "2:ok");
  {
    char *renamed = strstr (other_list, "/in/2.jpg");

    renamed[4] = '7';
  }
  add (m, "c.json", other_list);
  pp_record_merge_get_summary (m, &s);
  g_assert_cmpuint (s.conflicts, ==, 3);
  g_assert_cmpuint (s.files_listed, ==, 5);
  node = pp_record_merge_to_json (m);
  g_assert_null (json_object_get_string_member (object_of (node), "pipeline"));
  g_assert_false (json_object_get_boolean_member (object_of (node), "consistent"));
  conflicts = json_object_get_array_member (object_of (node), "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 3);
  g_assert_nonnull (strstr (json_array_get_string_element (conflicts, 0), "pipeline"));
  g_assert_nonnull (strstr (json_array_get_string_element (conflicts, 1), "input changed"));
  g_assert_nonnull (strstr (json_array_get_string_element (conflicts, 2), "/in/7.jpg"));
}

static void
assert_rejects (const char *json,
                int         code,
                const char *mentions)
{
  g_autoptr (PpRecordMerge) m = pp_record_merge_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  g_assert_false (pp_record_merge_add_record (m, node, "x.json", &error));
  g_assert_error (error, PP_RECORD_MERGE_ERROR, code);
  g_assert_nonnull (strstr (error->message, "x.json"));
  if (strstr (error->message, mentions) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mentions);
}

static void
test_rejects (void)
{
  assert_rejects ("{\"schema_version\":1,\"kind\":\"compare\"}", PP_RECORD_MERGE_ERROR_INVALID,
                  "compare");
  assert_rejects ("{\"schema_version\":1,\"kind\":\"merge\"}", PP_RECORD_MERGE_ERROR_INVALID,
                  "merged");
  assert_rejects ("[1]", PP_RECORD_MERGE_ERROR_INVALID, "object");
  assert_rejects ("{\"schema_version\":2,\"kind\":\"run\"}", PP_RECORD_MERGE_ERROR_INVALID,
                  "version");
  assert_rejects ("{\"schema_version\":1,\"kind\":\"run\",\"shard\":{\"index\":3,\"count\":2},"
                  "\"files\":[]}", PP_RECORD_MERGE_ERROR_INVALID, "shard");
  assert_rejects ("{\"schema_version\":1,\"kind\":\"run\",\"shard\":{\"index\":1,\"count\":2},"
                  "\"files\":[{\"index\":0}]}", PP_RECORD_MERGE_ERROR_INVALID, "status");
}

/* Files and folders: a folder takes its *.json in name order; an empty or killed shard's
 * record file is an error that names it. */
static void
test_paths (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-merge-XXXXXX", &error);
  g_autofree char *a = g_build_filename (dir, "shard-1.json", NULL);
  g_autofree char *b = g_build_filename (dir, "shard-2.json", NULL);
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *empty_dir = g_build_filename (dir, "empty", NULL);
  g_autofree char *ra = make_record (1, 2, 2, "a", "2026-01-01T00:00:00Z", 1, "", "0:ok");
  g_autofree char *rb = make_record (2, 2, 2, "b", "2026-01-01T00:00:00Z", 1, "", "1:ok");
  PpRecordMergeSummary s;

  g_file_set_contents (a, ra, -1, &error);
  g_file_set_contents (b, rb, -1, &error);
  g_file_set_contents (notes, "not a record", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (empty_dir, 0755), ==, 0);
  {
    g_autoptr (PpRecordMerge) m = pp_record_merge_new ();

    g_assert_true (pp_record_merge_add_path (m, dir, &error));
    g_assert_no_error (error);
    pp_record_merge_get_summary (m, &s);
    g_assert_true (s.exactly_once);
    g_assert_cmpuint (s.records, ==, 2);
  }
  {
    g_autoptr (PpRecordMerge) m = pp_record_merge_new ();

    g_assert_false (pp_record_merge_add_path (m, empty_dir, &error));
    g_assert_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_READ);
    g_clear_error (&error);
    g_file_set_contents (b, "", 0, &error);
    g_assert_false (pp_record_merge_add_path (m, b, &error));
    g_assert_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "shard-2.json"));
    g_clear_error (&error);
    g_file_set_contents (b, "{\"schema_version\":1,", -1, &error);
    g_assert_false (pp_record_merge_add_path (m, b, &error));
    g_assert_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (pp_record_merge_add_path (m, notes + 1, &error)); /* no such file */
    g_assert_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_READ);
  }
  g_unlink (a);
  g_unlink (b);
  g_unlink (notes);
  g_rmdir (empty_dir);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/record-merge/exactly-once", test_exactly_once);
  g_test_add_func ("/pp/record-merge/missing-shard", test_missing_shard);
  g_test_add_func ("/pp/record-merge/duplicates", test_duplicates);
  g_test_add_func ("/pp/record-merge/resumed", test_resumed);
  g_test_add_func ("/pp/record-merge/failed-and-cancelled", test_failed_and_cancelled);
  g_test_add_func ("/pp/record-merge/conflicts", test_conflicts);
  g_test_add_func ("/pp/record-merge/rejects", test_rejects);
  g_test_add_func ("/pp/record-merge/paths", test_paths);
  return g_test_run ();
}
