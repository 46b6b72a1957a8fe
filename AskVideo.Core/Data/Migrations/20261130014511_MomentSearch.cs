using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AskVideo.Core.Data.Migrations
{
    /// <summary>
    /// What retrieval needs to weigh a question's words:
    /// <c>video_terms</c>, how many scenes of each video hold each full-text lexeme (the lexeme ''
    /// counts the video's scenes), kept by triggers on <c>scenes</c> so every writer keeps it true.
    /// It is not mapped by the model: only retrieval's SQL reads it.
    /// </summary>
    public partial class MomentSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE video_terms (
                    "VideoId" integer NOT NULL REFERENCES videos ("Id") ON DELETE CASCADE,
                    "Lexeme" text NOT NULL,
                    "Scenes" integer NOT NULL,
                    PRIMARY KEY ("VideoId", "Lexeme"));
                -- Retrieval looks a question's words up across a group's videos.
                CREATE INDEX "IX_video_terms_Lexeme_VideoId" ON video_terms ("Lexeme", "VideoId") INCLUDE ("Scenes");

                CREATE FUNCTION askvideo_scene_terms_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO video_terms ("VideoId", "Lexeme", "Scenes")
                    SELECT n."VideoId", t.lexeme, count(*)::int
                    FROM added_scenes AS n,
                         LATERAL (SELECT unnest(tsvector_to_array(n."SearchVector")) UNION ALL SELECT '') AS t(lexeme)
                    GROUP BY 1, 2
                    ON CONFLICT ("VideoId", "Lexeme") DO UPDATE SET "Scenes" = video_terms."Scenes" + EXCLUDED."Scenes";
                    RETURN NULL;
                END $$;

                CREATE FUNCTION askvideo_scene_terms_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE video_terms AS v SET "Scenes" = v."Scenes" - r.scenes
                    FROM (SELECT o."VideoId", t.lexeme, count(*)::int AS scenes
                          FROM removed_scenes AS o,
                               LATERAL (SELECT unnest(tsvector_to_array(o."SearchVector")) UNION ALL SELECT '') AS t(lexeme)
                          GROUP BY 1, 2) AS r
                    WHERE v."VideoId" = r."VideoId" AND v."Lexeme" = r.lexeme;
                    DELETE FROM video_terms
                    WHERE "VideoId" IN (SELECT DISTINCT "VideoId" FROM removed_scenes) AND "Scenes" <= 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION askvideo_scene_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NOT EXISTS (
                        SELECT 1 FROM removed_scenes AS o JOIN added_scenes AS n ON n."Id" = o."Id"
                        WHERE n."SearchVector" IS DISTINCT FROM o."SearchVector" OR n."VideoId" <> o."VideoId") THEN
                        RETURN NULL;
                    END IF;
                    WITH changed AS (
                        SELECT o."VideoId" AS old_video, o."SearchVector" AS old_vector, n."VideoId" AS new_video, n."SearchVector" AS new_vector
                        FROM removed_scenes AS o JOIN added_scenes AS n ON n."Id" = o."Id"
                        WHERE n."SearchVector" IS DISTINCT FROM o."SearchVector" OR n."VideoId" <> o."VideoId"
                    ), deltas AS (
                        SELECT c.old_video AS video, t.lexeme, -1 AS delta
                        FROM changed AS c, LATERAL (SELECT unnest(tsvector_to_array(c.old_vector)) UNION ALL SELECT '') AS t(lexeme)
                        UNION ALL
                        SELECT c.new_video, t.lexeme, 1
                        FROM changed AS c, LATERAL (SELECT unnest(tsvector_to_array(c.new_vector)) UNION ALL SELECT '') AS t(lexeme)
                    )
                    INSERT INTO video_terms ("VideoId", "Lexeme", "Scenes")
                    SELECT video, lexeme, sum(delta)::int FROM deltas GROUP BY 1, 2
                    ON CONFLICT ("VideoId", "Lexeme") DO UPDATE SET "Scenes" = video_terms."Scenes" + EXCLUDED."Scenes";
                    DELETE FROM video_terms
                    WHERE "VideoId" IN (SELECT "VideoId" FROM removed_scenes UNION SELECT "VideoId" FROM added_scenes) AND "Scenes" <= 0;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER scenes_terms_inserted AFTER INSERT ON scenes
                    REFERENCING NEW TABLE AS added_scenes FOR EACH STATEMENT EXECUTE FUNCTION askvideo_scene_terms_added();
                CREATE TRIGGER scenes_terms_deleted AFTER DELETE ON scenes
                    REFERENCING OLD TABLE AS removed_scenes FOR EACH STATEMENT EXECUTE FUNCTION askvideo_scene_terms_removed();
                -- Counts only the rows whose full-text vector changed, not embedding updates.
                CREATE TRIGGER scenes_terms_updated AFTER UPDATE ON scenes
                    REFERENCING OLD TABLE AS removed_scenes NEW TABLE AS added_scenes
                    FOR EACH STATEMENT EXECUTE FUNCTION askvideo_scene_terms_changed();

                INSERT INTO video_terms ("VideoId", "Lexeme", "Scenes")
                SELECT s."VideoId", t.lexeme, count(*)::int
                FROM scenes AS s, LATERAL (SELECT unnest(tsvector_to_array(s."SearchVector")) UNION ALL SELECT '') AS t(lexeme)
                GROUP BY 1, 2;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER scenes_terms_inserted ON scenes;
                DROP TRIGGER scenes_terms_deleted ON scenes;
                DROP TRIGGER scenes_terms_updated ON scenes;
                DROP FUNCTION askvideo_scene_terms_added();
                DROP FUNCTION askvideo_scene_terms_removed();
                DROP FUNCTION askvideo_scene_terms_changed();
                DROP TABLE video_terms;
                """);
        }
    }
}
