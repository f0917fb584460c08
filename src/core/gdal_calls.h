/* core/gdal_calls.h — GDAL's headers, with every GDAL function bordermap calls going
 * through the table core/gdal_dl.c fills when it loads the library.
 *
 * Include this instead of GDAL's headers (it includes them all): after GDAL's declarations it
 * #defines each GDAL/OGR/OSR/OCT/CPL/CSL/VSI function bordermap uses to an entry of a table of
 * pointers typed from GDAL's own declarations, so call sites read like plain GDAL. Call
 * bm_gdal_need (core/gdal_dl.h) first. A name missing here is a link error (libgdal is not
 * linked), so a new call cannot slip through.
 */
#ifndef BM_CORE_GDAL_CALLS_H
#define BM_CORE_GDAL_CALLS_H

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <ogr_api.h>
#include <ogr_core.h>
#include <ogr_srs_api.h>

#include "core/gdal_dl.h"

/* Every GDAL function bordermap calls (or passes as a callback), sorted. wkbFlatten is OGR_GT_Flatten
 * and CPLFree is VSIFree underneath. */
#define BM_GDAL_FUNCTIONS(X)                                                                   \
  X(CPLErrorReset)                                                                             \
  X(CPLGetLastErrorMsg)                                                                        \
  X(CPLGetLastErrorType)                                                                       \
  X(CPLMalloc)                                                                                 \
  X(CPLPopErrorHandler)                                                                        \
  X(CPLPushErrorHandler)                                                                       \
  X(CPLQuietErrorHandler)                                                                      \
  X(CPLSetThreadLocalConfigOption)                                                             \
  X(CSLSetNameValue)                                                                           \
  X(GDALAllRegister)                                                                           \
  X(GDALApproxTransform)                                                                       \
  X(GDALChunkAndWarpImage)                                                                     \
  X(GDALClose)                                                                                 \
  X(GDALCreate)                                                                                \
  X(GDALCreateApproxTransformer)                                                               \
  X(GDALCreateGenImgProjTransformer2)                                                          \
  X(GDALCreateWarpOperation)                                                                   \
  X(GDALCreateWarpOptions)                                                                     \
  X(GDALDatasetGetLayer)                                                                       \
  X(GDALDatasetGetLayerCount)                                                                  \
  X(GDALDestroyApproxTransformer)                                                              \
  X(GDALDestroyGenImgProjTransformer)                                                          \
  X(GDALDestroyWarpOperation)                                                                  \
  X(GDALDestroyWarpOptions)                                                                    \
  X(GDALGenImgProjTransform)                                                                   \
  X(GDALGetDriverByName)                                                                       \
  X(GDALGetGCPCount)                                                                           \
  X(GDALGetGeoTransform)                                                                       \
  X(GDALGetOverview)                                                                           \
  X(GDALGetOverviewCount)                                                                      \
  X(GDALGetRasterBand)                                                                         \
  X(GDALGetRasterBandXSize)                                                                    \
  X(GDALGetRasterNoDataValue)                                                                  \
  X(GDALGetRasterXSize)                                                                        \
  X(GDALGetRasterYSize)                                                                        \
  X(GDALGetSpatialRef)                                                                         \
  X(GDALInvGeoTransform)                                                                       \
  X(GDALOpenEx)                                                                                \
  X(GDALRasterIO)                                                                              \
  X(GDALRasterIOEx)                                                                            \
  X(GDALSetGeoTransform)                                                                       \
  X(GDALSetRasterNoDataValue)                                                                  \
  X(GDALSetSpatialRef)                                                                         \
  X(GDALVersionInfo)                                                                           \
  X(OCTDestroyCoordinateTransformation)                                                        \
  X(OCTNewCoordinateTransformation)                                                            \
  X(OCTTransform)                                                                              \
  X(OCTTransformEx)                                                                            \
  X(OGR_F_Destroy)                                                                             \
  X(OGR_F_GetFID)                                                                              \
  X(OGR_F_GetFieldAsString)                                                                    \
  X(OGR_F_GetGeometryRef)                                                                      \
  X(OGR_F_IsFieldSetAndNotNull)                                                                \
  X(OGR_FD_GetFieldCount)                                                                      \
  X(OGR_FD_GetFieldDefn)                                                                       \
  X(OGR_FD_GetFieldIndex)                                                                      \
  X(OGR_FD_GetGeomType)                                                                        \
  X(OGR_Fld_GetNameRef)                                                                        \
  X(OGR_G_Clone)                                                                               \
  X(OGR_G_DestroyGeometry)                                                                     \
  X(OGR_G_ExportToJson)                                                                        \
  X(OGR_G_GetEnvelope)                                                                         \
  X(OGR_G_GetGeometryCount)                                                                    \
  X(OGR_G_GetGeometryRef)                                                                      \
  X(OGR_G_GetGeometryType)                                                                     \
  X(OGR_G_GetPointCount)                                                                       \
  X(OGR_G_GetX)                                                                                \
  X(OGR_G_GetY)                                                                                \
  X(OGR_G_IsEmpty)                                                                             \
  X(OGR_G_Transform)                                                                           \
  X(OGR_GT_Flatten)                                                                            \
  X(OGR_L_GetLayerDefn)                                                                        \
  X(OGR_L_GetName)                                                                             \
  X(OGR_L_GetNextFeature)                                                                      \
  X(OGR_L_GetSpatialRef)                                                                       \
  X(OGR_L_ResetReading)                                                                        \
  X(OSRClone)                                                                                  \
  X(OSRDestroySpatialReference)                                                                \
  X(OSRGetAngularUnits)                                                                        \
  X(OSRGetInvFlattening)                                                                       \
  X(OSRGetName)                                                                                \
  X(OSRGetPrimeMeridian)                                                                       \
  X(OSRGetSemiMajor)                                                                           \
  X(OSRImportFromEPSG)                                                                         \
  X(OSRIsGeographic)                                                                           \
  X(OSRIsProjected)                                                                            \
  X(OSRIsSame)                                                                                 \
  X(OSRNewSpatialReference)                                                                    \
  X(OSRSetAxisMappingStrategy)                                                                 \
  X(OSRSetFromUserInput)                                                                       \
  X(OSRSetWellKnownGeogCS)                                                                     \
  X(VSIFCloseL)                                                                                \
  X(VSIFileFromMemBuffer)                                                                      \
  X(VSIFree)                                                                                   \
  X(VSIRmdirRecursive)

/* The table: one pointer per function, typed from GDAL's own declaration. */
#define BM_GDAL_POINTER(name) __typeof__(name) *p_##name;
typedef struct {
  BM_GDAL_FUNCTIONS(BM_GDAL_POINTER)
} bm_gdal_table;
#undef BM_GDAL_POINTER
extern bm_gdal_table bm_gdal;

/* From here on, GDALOpenEx(...) is bm_gdal.p_GDALOpenEx(...). */
#define CPLErrorReset bm_gdal.p_CPLErrorReset
#define CPLGetLastErrorMsg bm_gdal.p_CPLGetLastErrorMsg
#define CPLGetLastErrorType bm_gdal.p_CPLGetLastErrorType
#define CPLMalloc bm_gdal.p_CPLMalloc
#define CPLPopErrorHandler bm_gdal.p_CPLPopErrorHandler
#define CPLPushErrorHandler bm_gdal.p_CPLPushErrorHandler
#define CPLQuietErrorHandler bm_gdal.p_CPLQuietErrorHandler
#define CPLSetThreadLocalConfigOption bm_gdal.p_CPLSetThreadLocalConfigOption
#define CSLSetNameValue bm_gdal.p_CSLSetNameValue
#define GDALAllRegister bm_gdal.p_GDALAllRegister
#define GDALApproxTransform bm_gdal.p_GDALApproxTransform
#define GDALChunkAndWarpImage bm_gdal.p_GDALChunkAndWarpImage
#define GDALClose bm_gdal.p_GDALClose
#define GDALCreate bm_gdal.p_GDALCreate
#define GDALCreateApproxTransformer bm_gdal.p_GDALCreateApproxTransformer
#define GDALCreateGenImgProjTransformer2 bm_gdal.p_GDALCreateGenImgProjTransformer2
#define GDALCreateWarpOperation bm_gdal.p_GDALCreateWarpOperation
#define GDALCreateWarpOptions bm_gdal.p_GDALCreateWarpOptions
#define GDALDatasetGetLayer bm_gdal.p_GDALDatasetGetLayer
#define GDALDatasetGetLayerCount bm_gdal.p_GDALDatasetGetLayerCount
#define GDALDestroyApproxTransformer bm_gdal.p_GDALDestroyApproxTransformer
#define GDALDestroyGenImgProjTransformer bm_gdal.p_GDALDestroyGenImgProjTransformer
#define GDALDestroyWarpOperation bm_gdal.p_GDALDestroyWarpOperation
#define GDALDestroyWarpOptions bm_gdal.p_GDALDestroyWarpOptions
#define GDALGenImgProjTransform bm_gdal.p_GDALGenImgProjTransform
#define GDALGetDriverByName bm_gdal.p_GDALGetDriverByName
#define GDALGetGCPCount bm_gdal.p_GDALGetGCPCount
#define GDALGetGeoTransform bm_gdal.p_GDALGetGeoTransform
#define GDALGetOverview bm_gdal.p_GDALGetOverview
#define GDALGetOverviewCount bm_gdal.p_GDALGetOverviewCount
#define GDALGetRasterBand bm_gdal.p_GDALGetRasterBand
#define GDALGetRasterBandXSize bm_gdal.p_GDALGetRasterBandXSize
#define GDALGetRasterNoDataValue bm_gdal.p_GDALGetRasterNoDataValue
#define GDALGetRasterXSize bm_gdal.p_GDALGetRasterXSize
#define GDALGetRasterYSize bm_gdal.p_GDALGetRasterYSize
#define GDALGetSpatialRef bm_gdal.p_GDALGetSpatialRef
#define GDALInvGeoTransform bm_gdal.p_GDALInvGeoTransform
#define GDALOpenEx bm_gdal.p_GDALOpenEx
#define GDALRasterIO bm_gdal.p_GDALRasterIO
#define GDALRasterIOEx bm_gdal.p_GDALRasterIOEx
#define GDALSetGeoTransform bm_gdal.p_GDALSetGeoTransform
#define GDALSetRasterNoDataValue bm_gdal.p_GDALSetRasterNoDataValue
#define GDALSetSpatialRef bm_gdal.p_GDALSetSpatialRef
#define GDALVersionInfo bm_gdal.p_GDALVersionInfo
#define OCTDestroyCoordinateTransformation bm_gdal.p_OCTDestroyCoordinateTransformation
#define OCTNewCoordinateTransformation bm_gdal.p_OCTNewCoordinateTransformation
#define OCTTransform bm_gdal.p_OCTTransform
#define OCTTransformEx bm_gdal.p_OCTTransformEx
#define OGR_F_Destroy bm_gdal.p_OGR_F_Destroy
#define OGR_F_GetFID bm_gdal.p_OGR_F_GetFID
#define OGR_F_GetFieldAsString bm_gdal.p_OGR_F_GetFieldAsString
#define OGR_F_GetGeometryRef bm_gdal.p_OGR_F_GetGeometryRef
#define OGR_F_IsFieldSetAndNotNull bm_gdal.p_OGR_F_IsFieldSetAndNotNull
#define OGR_FD_GetFieldCount bm_gdal.p_OGR_FD_GetFieldCount
#define OGR_FD_GetFieldDefn bm_gdal.p_OGR_FD_GetFieldDefn
#define OGR_FD_GetFieldIndex bm_gdal.p_OGR_FD_GetFieldIndex
#define OGR_FD_GetGeomType bm_gdal.p_OGR_FD_GetGeomType
#define OGR_Fld_GetNameRef bm_gdal.p_OGR_Fld_GetNameRef
#define OGR_G_Clone bm_gdal.p_OGR_G_Clone
#define OGR_G_DestroyGeometry bm_gdal.p_OGR_G_DestroyGeometry
#define OGR_G_ExportToJson bm_gdal.p_OGR_G_ExportToJson
#define OGR_G_GetEnvelope bm_gdal.p_OGR_G_GetEnvelope
#define OGR_G_GetGeometryCount bm_gdal.p_OGR_G_GetGeometryCount
#define OGR_G_GetGeometryRef bm_gdal.p_OGR_G_GetGeometryRef
#define OGR_G_GetGeometryType bm_gdal.p_OGR_G_GetGeometryType
#define OGR_G_GetPointCount bm_gdal.p_OGR_G_GetPointCount
#define OGR_G_GetX bm_gdal.p_OGR_G_GetX
#define OGR_G_GetY bm_gdal.p_OGR_G_GetY
#define OGR_G_IsEmpty bm_gdal.p_OGR_G_IsEmpty
#define OGR_G_Transform bm_gdal.p_OGR_G_Transform
#define OGR_GT_Flatten bm_gdal.p_OGR_GT_Flatten
#define OGR_L_GetLayerDefn bm_gdal.p_OGR_L_GetLayerDefn
#define OGR_L_GetName bm_gdal.p_OGR_L_GetName
#define OGR_L_GetNextFeature bm_gdal.p_OGR_L_GetNextFeature
#define OGR_L_GetSpatialRef bm_gdal.p_OGR_L_GetSpatialRef
#define OGR_L_ResetReading bm_gdal.p_OGR_L_ResetReading
#define OSRClone bm_gdal.p_OSRClone
#define OSRDestroySpatialReference bm_gdal.p_OSRDestroySpatialReference
#define OSRGetAngularUnits bm_gdal.p_OSRGetAngularUnits
#define OSRGetInvFlattening bm_gdal.p_OSRGetInvFlattening
#define OSRGetName bm_gdal.p_OSRGetName
#define OSRGetPrimeMeridian bm_gdal.p_OSRGetPrimeMeridian
#define OSRGetSemiMajor bm_gdal.p_OSRGetSemiMajor
#define OSRImportFromEPSG bm_gdal.p_OSRImportFromEPSG
#define OSRIsGeographic bm_gdal.p_OSRIsGeographic
#define OSRIsProjected bm_gdal.p_OSRIsProjected
#define OSRIsSame bm_gdal.p_OSRIsSame
#define OSRNewSpatialReference bm_gdal.p_OSRNewSpatialReference
#define OSRSetAxisMappingStrategy bm_gdal.p_OSRSetAxisMappingStrategy
#define OSRSetFromUserInput bm_gdal.p_OSRSetFromUserInput
#define OSRSetWellKnownGeogCS bm_gdal.p_OSRSetWellKnownGeogCS
#define VSIFCloseL bm_gdal.p_VSIFCloseL
#define VSIFileFromMemBuffer bm_gdal.p_VSIFileFromMemBuffer
#define VSIFree bm_gdal.p_VSIFree
#define VSIRmdirRecursive bm_gdal.p_VSIRmdirRecursive

#endif
