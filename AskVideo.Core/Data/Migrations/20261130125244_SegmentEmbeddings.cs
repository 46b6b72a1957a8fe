using Microsoft.EntityFrameworkCore.Migrations;
using Pgvector;

#nullable disable

namespace AskVideo.Core.Data.Migrations
{
    /// <summary>
    /// Each scene's segments keep their embeddings, which moments are chosen by beside the
    /// question's words. Scenes embedded before have none: they are marked as embedded by no model,
    /// so the Worker's embedding refresher indexes their videos again, segments included. Until it
    /// reaches a video, that video is searched by words.
    /// </summary>
    public partial class SegmentEmbeddings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scene_segment_embeddings",
                columns: table => new
                {
                    SceneId = table.Column<long>(type: "bigint", nullable: false),
                    Ordinal = table.Column<int>(type: "integer", nullable: false),
                    Embedding = table.Column<HalfVector>(type: "halfvec", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scene_segment_embeddings", x => new { x.SceneId, x.Ordinal });
                    table.ForeignKey(
                        name: "FK_scene_segment_embeddings_scenes_SceneId",
                        column: x => x.SceneId,
                        principalTable: "scenes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // In the row, not in TOAST: a question reads the vectors of a few hundred segments, and
            // one page read each is cheaper than a TOAST lookup and its chunks. A vector is at most
            // 1536 dimensions (SceneEmbedder refuses wider), about 3 KB in half precision, which fits in a page.
            migrationBuilder.Sql("""
                ALTER TABLE scene_segment_embeddings ALTER COLUMN "Embedding" SET STORAGE PLAIN;
                UPDATE scenes SET "EmbeddingModel" = NULL WHERE "EmbeddingModel" IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scene_segment_embeddings");
        }
    }
}
